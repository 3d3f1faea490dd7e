import type { Messages } from "./en.js";

/** Spanish. */
export const es: Messages = {
  "app.title": "Verificador CardProof",
  "app.tagline": "Comprueba una tarjeta prepago antes de comprarla o usarla",
  "app.language": "Idioma",
  "app.checking": "Comprobando la tarjeta…",
  "app.configError": "Este verificador no está configurado: no se pudo cargar su configuración. Inténtalo más tarde.",

  "verdict.genuine.title": "Auténtica y sin usar",
  "verdict.genuine.text": "Emitida por un proveedor registrado y todavía no canjeada.",
  "verdict.redeemed.title": "Ya canjeada",
  "verdict.redeemed.text": "El código de esta tarjeta ya se usó. La tarjeta ya no tiene valor.",
  "verdict.redeemed.detail": "Canjeada {time} por {who}.",
  "verdict.revoked.title": "Bloqueada por el proveedor",
  "verdict.revoked.text": "El proveedor revocó o congeló esta tarjeta. No la compres ni la aceptes.",
  "verdict.revoked.detail": "Motivo: {reason}.",
  "verdict.expired.title": "Caducada",
  "verdict.expired.text": "Esta tarjeta caducó el {date} y ya no se puede canjear.",
  "verdict.notActivated.title": "Auténtica, aún no activada",
  "verdict.notActivated.text":
    "Las tiendas activan esta tarjeta en la caja cuando se paga. Hasta entonces no se puede canjear.",
  "verdict.counterfeit.title": "No emitida por un proveedor registrado",
  "verdict.counterfeit.text": "Esta tarjeta probablemente es falsa. No la compres ni la aceptes.",
  "verdict.unknownRegistry.title": "No verificada: registro desconocido",
  "verdict.unknownRegistry.text":
    "Esta tarjeta apunta a un registro que este verificador no conoce, así que no se puede comprobar aquí. Trátala como no verificada.",
  "verdict.unavailable.title": "No se pudo comprobar ahora",
  "verdict.unavailable.text":
    "No se pudo conectar con la blockchain. Esto no dice nada de la tarjeta: inténtalo de nuevo.",
  "verdict.unavailable.wrongChain":
    "El nodo de blockchain que usa este verificador sirve otra red. Esto no dice nada de la tarjeta.",
  "verdict.unavailable.noRpc": "No hay ningún nodo de blockchain configurado para la red de esta tarjeta.",
  "verdict.unavailable.badHint":
    "El nodo de la blockchain no puede encontrar esta tarjeta por sí solo, y la posición que dio el servicio de historial es incorrecta. Esto no dice nada de la tarjeta: inténtalo más tarde.",
  "verdict.retry": "Reintentar",
  "verdict.partial": "Comprobación parcial: {why}",
  "verdict.unproven.title": "No se pudo demostrar ahora que la tarjeta es auténtica",
  "verdict.unproven.text":
    "La blockchain conoce este número de serie y no está usado, pero no se pudo comprobar que este código QR le pertenece. No confíes todavía en esta tarjeta: inténtalo de nuevo en un momento.",

  "counterfeit.batchNotIssued": "Nunca se emitió un lote con este número en el registro.",
  "counterfeit.serialOutOfRange": "El lote no tiene ninguna tarjeta con este número de serie.",
  "counterfeit.cardKeyMismatch":
    "El código QR no coincide con la tarjeta que el proveedor emitió con este número de serie.",

  "invalid.title": "Esto no es el código QR de una tarjeta",
  "invalid.empty": "No se recibió ningún dato. Escanea el código QR del frente de la tarjeta.",
  "invalid.url": "El enlace no tiene datos de tarjeta después de #. Escanea de nuevo o copia el enlace completo.",
  "invalid.character": "Los datos contienen un carácter que no es un dígito. Escanea el código QR de nuevo.",
  "invalid.length": "Faltan o sobran dígitos. Escanea el código QR de nuevo o copia el enlace completo.",
  "invalid.version": "La tarjeta se hizo con una versión más nueva de CardProof. Actualiza este verificador.",
  "invalid.printedForV1":
    "Esta tarjeta se imprimió para CardProof v1, que este verificador ya no comprueba. Pide al vendedor o al proveedor de la tarjeta que la reemplace.",
  "invalid.checksum":
    "Este código QR puede estar dañado o manipulado: sus dígitos de control no coinciden. Escanéalo de nuevo con buena luz o escribe el enlace impreso debajo. Si sigue fallando, no compres ni aceptes la tarjeta y pide otra al vendedor.",
  "invalid.malformed": "Los datos de la tarjeta no tienen un formato válido. No confíes en esta tarjeta.",
  "invalid.secret":
    "Este es el código secreto de la tarjeta, no su código QR público. Mantenlo en privado; escanea el QR del frente.",

  "echo.heading": "Compara con lo que está impreso en tu tarjeta",
  "echo.serial": "Número de serie",
  "echo.faceValue": "Valor nominal",
  "echo.supplier": "Proveedor",
  "echo.batch": "Lote",
  "echo.expires": "Caduca",
  "echo.never": "nunca",
  "echo.unnamed": "sin nombre registrado",

  "repeat.times.one": "Esta es la primera comprobación de esta tarjeta.",
  "repeat.times.other": "Comprobada {count} veces, la primera el {date}.",
  "repeat.explain":
    "Se cuenta sin ningún dato personal. Muchas comprobaciones pueden significar que la tarjeta se mostró a muchos compradores.",

  "evidence.heading": "Cómo se comprobó",
  "evidence.registry":
    "El registro de la tarjeta {registry} en {chain} está en la lista permitida de este verificador.",
  "evidence.chain": "la cadena {chainId}",
  "evidence.registryUnknown":
    "El registro de la tarjeta {registry}… en la cadena {chainId} no está en la lista permitida de este verificador.",
  "evidence.status": "Estado leído de la blockchain en el bloque {block}: {status}.",
  "evidence.proof.verified":
    "Prueba de {source} comprobada en este navegador contra la raíz del lote en la blockchain ({depth} hashes): la tarjeta es una de las {count} que el proveedor registró.",
  "evidence.proof.cardKeyMismatch":
    "Una prueba de {source} que llega a la raíz del lote en la blockchain muestra que la tarjeta del proveedor con este número de serie tiene otra clave que este código QR.",
  "evidence.proof.noManifest": "Prueba no comprobada: el proveedor aún no publicó la lista de tarjetas de este lote.",
  "evidence.proof.badProof":
    "Prueba no comprobada: {sources} devolvió una prueba que no coincide con la blockchain, así que se ignoró.",
  "evidence.proof.badSource": "{sources} devolvió una prueba que no coincide con la blockchain; se ignoró.",
  "evidence.proof.sourcesDown": "Prueba no comprobada: no se pudo conectar con ninguna fuente de pruebas.",
  "evidence.proof.noSource":
    "Prueba no comprobada: este verificador no tiene ninguna fuente de pruebas para este registro.",
  "evidence.source.indexer": "el servicio de historial",
  "evidence.history.checked":
    "Cada uno de los {shown} eventos del historial se obtuvo del nodo de la blockchain y se comparó campo por campo, y el estado de la tarjeta tras ellos (titular, activación, revocación, canje) es el de la blockchain.",
  "evidence.history.complete": "Esta página obtuvo los {seq} cambios del lote: el historial está completo.",
  "evidence.history.partial":
    "{unfetched} de los {seq} cambios del lote no se obtuvieron aquí; el servicio de historial dice que no afectan a esta tarjeta. Ocultar uno rompería la cadena de titulares o el estado final, salvo una tarjeta enviada y devuelta. El comando cardproof audit comprueba toda la cadena de hashes del lote.",
  "evidence.history.fromNode":
    "{count} eventos recientes se leyeron directamente del nodo: el servicio de historial aún no los tiene.",
  "evidence.history.altered":
    "El servicio de historial devolvió un historial alterado. El historial muestra solo lo que confirma la blockchain; el veredicto viene de la blockchain.",
  "evidence.history.indexerDown":
    "Historial no comprobado: no se pudo conectar con el servicio de historial (indexador).",
  "evidence.history.noHistory": "Historial no comprobado: el servicio de historial no tiene historial de esta tarjeta.",
  "evidence.history.rpcFailed": "Historial no comprobado: el nodo de la blockchain no devolvió los eventos.",
  "evidence.history.tooLong":
    "Historial no comprobado: el servicio de historial lista más eventos de los que esta página comprueba.",
  "evidence.history.noIndexer": "No hay un servicio de historial configurado, así que no se muestra el historial.",
  "history.problem.notOnChain": "Un evento “{event}” que lista (bloque {block}) no está en la blockchain.",
  "history.problem.altered": "El evento {seq} ({event}) fue alterado: {fields}.",
  "history.problem.listedTwice": "El evento {seq} ({event}) aparece dos veces.",
  "history.problem.omitted": "El evento {seq} ({event}) fue omitido.",
  "history.problem.hashLink": "El evento {seq} ({event}) no encaja en la cadena de hashes del lote.",
  "history.problem.custodyGap":
    "El evento {seq} ({event}) mueve la tarjeta desde una cuenta a la que el historial nunca se la dio: faltan eventos.",
  "history.problem.noIssuance": "El historial no empieza con la emisión del lote.",
  "history.problem.stateDiffers":
    "Tras los eventos listados, {fields} de la tarjeta difiere de la blockchain: faltan eventos o son inventados.",
  "history.field.holder": "el titular",
  "history.field.activated": "la activación",
  "history.field.revoked": "la revocación",
  "history.field.redeemed": "el canje",
  "event.BatchIssued": "emisión",
  "event.LotTransferred": "transferencia",
  "event.LotActivated": "activación",
  "event.LotRevoked": "revocación",
  "event.VoucherRedeemed": "canje",
  "evidence.unavailable": "El nodo de blockchain {node} no respondió.",

  "status.Unknown": "desconocido",
  "status.Active": "activa",
  "status.Inactive": "no activada",
  "status.Redeemed": "canjeada",
  "status.Revoked": "revocada",
  "status.Expired": "caducada",

  "reason.stolen": "robada",
  "reason.lost": "perdida",
  "reason.damaged": "dañada",
  "reason.fraud": "fraude",
  "reason.recalled": "retirada",
  "reason.other": "otro",
  "reason.code": "código de motivo {code}",

  "timeline.heading": "Historial de custodia",
  "timeline.BatchIssued": "Emitida por {who}",
  "timeline.LotTransferred": "Transferida a {who}",
  "timeline.LotActivated": "Activada en caja por {who}",
  "timeline.LotRevoked": "Revocada por el proveedor: {reason}",
  "timeline.VoucherRedeemed": "Canjeada por {who}",
  "timeline.from": "desde {who}",
  "timeline.escrow": "depósito de garantía de pago",
  "timeline.block": "bloque {block}",
  "timeline.unavailable":
    "El historial no está disponible ahora: no se pudo conectar con el servicio de historial (indexador).",
  "timeline.noHistory": "El servicio de historial no tiene historial de esta tarjeta.",
  "timeline.rpcFailed":
    "El historial no se pudo comprobar con la blockchain ahora, así que no se muestra. Inténtalo de nuevo.",
  "timeline.source.omitted": "omitido por el servicio de historial",
  "timeline.source.node": "leído del nodo: más reciente que el servicio de historial",
  "timeline.explorer": "ver transacción",

  "code.heading": "Comprobar mi código raspado",
  "code.explain":
    "Escribe el código que está bajo la capa para raspar. Se comprueba en este teléfono y nunca se envía a ningún sitio.",
  "code.label": "Código secreto (20 caracteres)",
  "code.button": "Comprobar código",
  "code.match": "El código corresponde a esta tarjeta.",
  "code.notVerified":
    "Tu código solo se puede comprobar con una clave de tarjeta cuya prueba se verificó en la cadena de bloques, y la prueba de esta tarjeta no se verificó (ver abajo).",
  "code.loading": "Preparando la comprobación en este teléfono…",
  "code.loadFailed": "No se pudo cargar la comprobación del código. Revisa la conexión e inténtalo de nuevo.",
  "code.noMatch": "Este código no pertenece a esta tarjeta.",
  "code.empty": "Escribe los 20 caracteres de la capa para raspar.",
  "code.length": "Un código tiene 20 caracteres: falta o sobra uno.",
  "code.character":
    "El carácter {position} no es válido: los códigos usan dígitos y las letras de la A a la Z excepto la U.",
  "code.checkCharacter": "Un carácter está mal escrito o dos están intercambiados. Compáralos con la tarjeta.",

  "input.heading": "Comprobar una tarjeta",
  "input.headingAgain": "Comprobar otra tarjeta",
  "input.scan": "Escanear con la cámara",
  "input.stop": "Detener la cámara",
  "input.photo": "Usar una foto",
  "input.pasteLabel": "O pega el enlace o el número de la tarjeta",
  "input.check": "Comprobar",
  "scan.hint": "Apunta la cámara al código QR del frente de la tarjeta.",
  "scan.noCamera": "No se pudo iniciar la cámara. Permite el acceso a la cámara o usa una foto.",
  "scan.notFound": "No se encontró el código QR de una tarjeta en la foto. Inténtalo más cerca y enfocado.",
  "scan.secret": "Ese es el código QR secreto de canje. Escanea el código QR del frente de la tarjeta.",
  "scan.video": "Vista de la cámara",

  "footer.privacy":
    "No se guarda ningún dato personal. El número de la tarjeta del enlace solo queda en la barra de direcciones hasta que la página lo lee; el nodo de blockchain y el indexador de CardProof ven qué tarjeta se comprobó.",

  "scan.guide.closer": "Acércate: llena el encuadre con el código QR del frente de la tarjeta.",
  "scan.guide.steady": "Mantén el teléfono quieto un momento para que la imagen salga nítida.",
  "scan.guide.light": "Necesitas más luz: la imagen está demasiado oscura para leer el código QR.",
};
