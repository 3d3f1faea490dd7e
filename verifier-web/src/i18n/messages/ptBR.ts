import type { Messages } from "./en.js";

/** Portuguese (Brazil). */
export const ptBR: Messages = {
  "app.title": "Verificador CardProof",
  "app.tagline": "Confira um cartão pré-pago antes de comprar ou usar",
  "app.language": "Idioma",
  "app.checking": "Verificando o cartão…",
  "app.configError":
    "Este verificador não está configurado: não foi possível carregar a configuração. Tente novamente mais tarde.",

  "verdict.genuine.title": "Autêntico e não usado",
  "verdict.genuine.text": "Emitido por um fornecedor registrado e ainda não resgatado.",
  "verdict.redeemed.title": "Já resgatado",
  "verdict.redeemed.text": "O código deste cartão já foi usado. O cartão não tem mais valor.",
  "verdict.redeemed.detail": "Resgatado {time} por {who}.",
  "verdict.revoked.title": "Bloqueado pelo fornecedor",
  "verdict.revoked.text": "O fornecedor revogou ou congelou este cartão. Não compre nem aceite.",
  "verdict.revoked.detail": "Motivo: {reason}.",
  "verdict.expired.title": "Vencido",
  "verdict.expired.text": "Este cartão venceu em {date} e não pode mais ser resgatado.",
  "verdict.notActivated.title": "Autêntico, ainda não ativado",
  "verdict.notActivated.text":
    "As lojas ativam este cartão no caixa quando ele é pago. Até lá ele não pode ser resgatado.",
  "verdict.counterfeit.title": "Não emitido por um fornecedor registrado",
  "verdict.counterfeit.text": "Este cartão provavelmente é falsificado. Não compre nem aceite.",
  "verdict.unknownRegistry.title": "Não verificado: registro desconhecido",
  "verdict.unknownRegistry.text":
    "Este cartão aponta para um registro que este verificador não conhece, então não pode ser conferido aqui. Trate-o como não verificado.",
  "verdict.unavailable.title": "Não foi possível verificar agora",
  "verdict.unavailable.text":
    "Não foi possível acessar a blockchain. Isso não diz nada sobre o cartão: tente novamente.",
  "verdict.unavailable.wrongChain":
    "O nó de blockchain usado por este verificador atende outra rede. Isso não diz nada sobre o cartão.",
  "verdict.unavailable.noRpc": "Nenhum nó de blockchain está configurado para a rede deste cartão.",
  "verdict.unavailable.badHint":
    "O nó da blockchain não consegue encontrar este cartão sozinho, e a posição que o serviço de histórico informou está errada. Isso não diz nada sobre o cartão: tente mais tarde.",
  "verdict.retry": "Tentar novamente",
  "verdict.partial": "Verificação parcial: {why}",
  "verdict.unproven.title": "Não foi possível comprovar agora que o cartão é autêntico",
  "verdict.unproven.text":
    "A blockchain conhece este número de série e ele não foi usado, mas não foi possível verificar que este QR code pertence a ele. Não confie ainda neste cartão: tente de novo em instantes.",

  "counterfeit.batchNotIssued": "Nenhum lote com este número foi emitido no registro.",
  "counterfeit.serialOutOfRange": "O lote não tem nenhum cartão com este número de série.",
  "counterfeit.cardKeyMismatch":
    "O QR code não corresponde ao cartão que o fornecedor emitiu com este número de série.",

  "invalid.title": "Isto não é o QR code de um cartão",
  "invalid.empty": "Nenhum dado foi informado. Escaneie o QR code na frente do cartão.",
  "invalid.url": "O link não tem dados do cartão depois do #. Escaneie de novo ou copie o link inteiro.",
  "invalid.character": "Os dados contêm um caractere que não é um dígito. Escaneie o QR code de novo.",
  "invalid.length": "Faltam ou sobram dígitos. Escaneie o QR code de novo ou copie o link inteiro.",
  "invalid.version": "O cartão foi feito por uma versão mais nova do CardProof. Atualize este verificador.",
  "invalid.printedForV1":
    "Este cartão foi impresso para o CardProof v1, que este verificador não confere mais. Peça ao vendedor ou ao fornecedor do cartão que o substitua.",
  "invalid.checksum":
    "Este QR code pode estar danificado ou adulterado: os dígitos de verificação não conferem. Escaneie de novo com boa luz ou digite o link impresso abaixo dele. Se continuar falhando, não compre nem aceite o cartão e peça outro ao vendedor.",
  "invalid.malformed": "Os dados do cartão não estão bem formados. Não confie neste cartão.",
  "invalid.secret":
    "Este é o código secreto do cartão, não o QR code público. Mantenha-o em sigilo; escaneie o QR na frente do cartão.",

  "echo.heading": "Compare com o que está impresso no seu cartão",
  "echo.serial": "Número de série",
  "echo.faceValue": "Valor de face",
  "echo.supplier": "Fornecedor",
  "echo.batch": "Lote",
  "echo.expires": "Vencimento",
  "echo.never": "nunca",
  "echo.unnamed": "sem nome registrado",

  "repeat.times.one": "Esta é a primeira verificação deste cartão.",
  "repeat.times.other": "Verificado {count} vezes, a primeira em {date}.",
  "repeat.explain":
    "Contado sem nenhum dado pessoal. Muitas verificações podem indicar que o cartão foi mostrado a muitos compradores.",

  "evidence.heading": "Como foi verificado",
  "evidence.registry": "O registro do cartão {registry}, na {chain}, está na lista permitida deste verificador.",
  "evidence.chain": "rede {chainId}",
  "evidence.registryUnknown":
    "O registro do cartão {registry}… na rede {chainId} não está na lista permitida deste verificador.",
  "evidence.status": "Status lido da blockchain no bloco {block}: {status}.",
  "evidence.proof.verified":
    "Prova de {source} verificada neste navegador contra a raiz do lote na blockchain ({depth} hashes): o cartão é um dos {count} cartões que o fornecedor registrou.",
  "evidence.proof.cardKeyMismatch":
    "Uma prova de {source} que chega à raiz do lote na blockchain mostra que o cartão do fornecedor com este número de série tem outra chave que este QR code.",
  "evidence.proof.noManifest": "Prova não verificada: o fornecedor ainda não publicou a lista de cartões deste lote.",
  "evidence.proof.badProof":
    "Prova não verificada: {sources} devolveu uma prova que não confere com a blockchain, por isso foi ignorada.",
  "evidence.proof.badSource": "{sources} devolveu uma prova que não confere com a blockchain; ela foi ignorada.",
  "evidence.proof.sourcesDown": "Prova não verificada: nenhuma fonte de provas pôde ser acessada.",
  "evidence.proof.noSource": "Prova não verificada: este verificador não tem fonte de provas para este registro.",
  "evidence.source.indexer": "o serviço de histórico",
  "evidence.history.checked":
    "Cada um dos {shown} eventos do histórico foi obtido do nó da blockchain e comparado campo a campo, e o estado do cartão depois deles (titular, ativação, revogação, resgate) é o da blockchain.",
  "evidence.history.complete": "Esta página obteve todas as {seq} mudanças do lote: o histórico está completo.",
  "evidence.history.partial":
    "{unfetched} das {seq} mudanças do lote não foram obtidas aqui; o serviço de histórico diz que não envolvem este cartão. Esconder uma delas quebraria a cadeia de titulares ou o estado final, exceto um cartão enviado e devolvido. O comando cardproof audit verifica toda a cadeia de hashes do lote.",
  "evidence.history.fromNode":
    "{count} eventos recentes foram lidos diretamente do nó: o serviço de histórico ainda não chegou a eles.",
  "evidence.history.altered":
    "O serviço de histórico devolveu um histórico alterado. O histórico mostra só o que a blockchain confirma; o veredito vem da blockchain.",
  "evidence.history.indexerDown": "Histórico não verificado: o serviço de histórico (indexador) não pôde ser acessado.",
  "evidence.history.noHistory": "Histórico não verificado: o serviço de histórico não tem histórico deste cartão.",
  "evidence.history.rpcFailed": "Histórico não verificado: o nó da blockchain não devolveu os eventos.",
  "evidence.history.tooLong":
    "Histórico não verificado: o serviço de histórico lista mais eventos do que esta página verifica.",
  "evidence.history.noIndexer": "Nenhum serviço de histórico está configurado, então o histórico não é mostrado.",
  "history.problem.notOnChain": "Um evento “{event}” listado (bloco {block}) não está na blockchain.",
  "history.problem.altered": "O evento {seq} ({event}) foi alterado: {fields}.",
  "history.problem.listedTwice": "O evento {seq} ({event}) aparece duas vezes.",
  "history.problem.omitted": "O evento {seq} ({event}) foi omitido.",
  "history.problem.hashLink": "O evento {seq} ({event}) não se encaixa na cadeia de hashes do lote.",
  "history.problem.custodyGap":
    "O evento {seq} ({event}) move o cartão de uma conta que o histórico nunca lhe deu: faltam eventos.",
  "history.problem.noIssuance": "O histórico não começa com a emissão do lote.",
  "history.problem.stateDiffers":
    "Depois dos eventos listados, {fields} do cartão difere da blockchain: há eventos faltando ou inventados.",
  "history.field.holder": "o titular",
  "history.field.activated": "a ativação",
  "history.field.revoked": "a revogação",
  "history.field.redeemed": "o resgate",
  "event.BatchIssued": "emissão",
  "event.LotTransferred": "transferência",
  "event.LotActivated": "ativação",
  "event.LotRevoked": "revogação",
  "event.VoucherRedeemed": "resgate",
  "evidence.unavailable": "O nó de blockchain {node} não respondeu.",

  "status.Unknown": "desconhecido",
  "status.Active": "ativo",
  "status.Inactive": "não ativado",
  "status.Redeemed": "resgatado",
  "status.Revoked": "revogado",
  "status.Expired": "vencido",

  "reason.stolen": "roubado",
  "reason.lost": "perdido",
  "reason.damaged": "danificado",
  "reason.fraud": "fraude",
  "reason.recalled": "recolhido",
  "reason.other": "outro",
  "reason.code": "código de motivo {code}",

  "timeline.heading": "Histórico de custódia",
  "timeline.BatchIssued": "Emitido por {who}",
  "timeline.LotTransferred": "Transferido para {who}",
  "timeline.LotActivated": "Ativado no caixa por {who}",
  "timeline.LotRevoked": "Revogado pelo fornecedor: {reason}",
  "timeline.VoucherRedeemed": "Resgatado por {who}",
  "timeline.from": "de {who}",
  "timeline.escrow": "custódia de pagamento (escrow)",
  "timeline.block": "bloco {block}",
  "timeline.unavailable":
    "O histórico não está disponível agora: o serviço de histórico (indexador) não pôde ser acessado.",
  "timeline.noHistory": "O serviço de histórico não tem histórico deste cartão.",
  "timeline.rpcFailed":
    "O histórico não pôde ser verificado na blockchain agora, por isso não é mostrado. Tente de novo.",
  "timeline.source.omitted": "omitido pelo serviço de histórico",
  "timeline.source.node": "lido do nó: mais recente que o serviço de histórico",
  "timeline.explorer": "ver transação",

  "code.heading": "Conferir meu código raspado",
  "code.explain":
    "Digite o código que fica sob a área de raspar. Ele é conferido neste celular e nunca é enviado a lugar nenhum.",
  "code.label": "Código secreto (20 caracteres)",
  "code.button": "Conferir código",
  "code.match": "O código corresponde a este cartão.",
  "code.notVerified":
    "Seu código só pode ser conferido com uma chave de cartão cuja prova foi verificada na blockchain, e a prova deste cartão não foi (veja abaixo).",
  "code.loading": "Preparando a conferência neste telefone…",
  "code.loadFailed": "Não foi possível carregar a conferência do código. Verifique a conexão e tente de novo.",
  "code.noMatch": "Este código não pertence a este cartão.",
  "code.empty": "Digite os 20 caracteres da área de raspar.",
  "code.length": "Um código tem 20 caracteres: falta ou sobra um.",
  "code.character": "O caractere {position} não é válido: os códigos usam dígitos e as letras de A a Z, exceto U.",
  "code.checkCharacter": "Um caractere foi digitado errado ou dois foram trocados. Compare cada um com o cartão.",

  "input.heading": "Verificar um cartão",
  "input.headingAgain": "Verificar outro cartão",
  "input.scan": "Escanear com a câmera",
  "input.stop": "Parar a câmera",
  "input.photo": "Usar uma foto",
  "input.pasteLabel": "Ou cole o link ou o número do cartão",
  "input.check": "Verificar",
  "scan.hint": "Aponte a câmera para o QR code na frente do cartão.",
  "scan.noCamera": "Não foi possível iniciar a câmera. Permita o acesso à câmera ou use uma foto.",
  "scan.notFound": "Nenhum QR code de cartão foi encontrado na foto. Tente de novo, mais perto e com foco.",
  "scan.secret": "Esse é o QR code secreto de resgate. Escaneie o QR code na frente do cartão.",
  "scan.video": "Imagem da câmera",

  "footer.privacy":
    "Nenhum dado pessoal é armazenado. O número do cartão no link fica na barra de endereços só até a página lê-lo; o nó de blockchain e o indexador do CardProof veem qual cartão foi verificado.",

  "scan.guide.closer": "Aproxime-se: preencha a imagem com o QR code da frente do cartão.",
  "scan.guide.steady": "Segure o celular firme por um instante para a imagem ficar nítida.",
  "scan.guide.light": "Mais luz, por favor: a imagem está escura demais para ler o QR code.",
};
