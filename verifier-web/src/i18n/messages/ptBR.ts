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
  "verdict.retry": "Tentar novamente",
  "verdict.partial": "Verificação parcial: {why}",

  "counterfeit.batchNotIssued": "Nenhum lote com este número foi emitido no registro.",
  "counterfeit.serialOutOfRange": "O lote não tem nenhum cartão com este número de série.",
  "counterfeit.cardKeyMismatch":
    "O QR code não corresponde ao cartão que o fornecedor emitiu com este número de série.",
  "counterfeit.proofInvalid": "O cartão não está entre os cartões que o fornecedor registrou na blockchain.",

  "invalid.title": "Isto não é o QR code de um cartão",
  "invalid.empty": "Nenhum dado foi informado. Escaneie o QR code na frente do cartão.",
  "invalid.url": "O link não tem dados do cartão depois do #. Escaneie de novo ou copie o link inteiro.",
  "invalid.character": "Os dados contêm um caractere que não é um dígito. Escaneie o QR code de novo.",
  "invalid.length": "Faltam ou sobram dígitos. Escaneie o QR code de novo ou copie o link inteiro.",
  "invalid.version": "O cartão foi feito por uma versão mais nova do CardProof. Atualize este verificador.",
  "invalid.printedForV1":
    "Este cartão foi impresso para o CardProof v1, que este verificador não confere mais. Peça ao vendedor ou ao fornecedor do cartão que o substitua.",
  "invalid.checksum": "Os dados do cartão estão danificados ou digitados errado. Escaneie o QR code de novo.",
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
    "Prova verificada neste navegador contra a raiz do lote na blockchain ({depth} hashes): o cartão é um dos {count} cartões registrados pelo fornecedor.",
  "evidence.proof.cardKeyMismatch":
    "O QR code do cartão não corresponde à chave do cartão na lista de cartões do fornecedor.",
  "evidence.proof.proofInvalid": "A prova não leva à raiz do lote na blockchain.",
  "evidence.proof.indexerDown": "Prova não verificada: o serviço de histórico (indexador) não pôde ser acessado.",
  "evidence.proof.noManifest": "Prova não verificada: o fornecedor ainda não publicou a lista de cartões deste lote.",
  "evidence.history.matches":
    "O histórico do indexador confere com a cadeia de hashes da blockchain ({seq} alterações do lote, bloco {block}).",
  "evidence.history.behind":
    "O histórico do indexador está atrasado em relação à blockchain ({indexed} de {onChain} alterações): as mais recentes podem faltar.",
  "evidence.history.mismatch":
    "O histórico do indexador não confere com a cadeia de hashes da blockchain. Não confie na linha do tempo.",
  "evidence.history.notChecked": "Histórico não verificado: o indexador não pôde ser acessado.",
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
  "timeline.unavailable": "O histórico não está disponível agora: o indexador não pôde ser acessado.",
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
