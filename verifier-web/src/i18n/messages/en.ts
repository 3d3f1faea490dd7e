/**
 * The page's English text, the reference every other language translates. `{name}` is filled in at
 * run time; keys ending in `.one`/`.other` (and, where a language needs them, `.zero`, `.two`, `.few`,
 * `.many`) are plural forms chosen with `Intl.PluralRules`.
 */
export const en = {
  "app.title": "CardProof verifier",
  "app.tagline": "Check a prepaid card before you buy or use it",
  "app.language": "Language",
  "app.checking": "Checking the card…",
  "app.configError": "This verifier is not set up: its configuration could not be loaded. Try again later.",

  "verdict.genuine.title": "Genuine and unused",
  "verdict.genuine.text": "Issued by a registered supplier and not redeemed yet.",
  "verdict.redeemed.title": "Already redeemed",
  "verdict.redeemed.text": "This card's code has already been used. The card has no value left.",
  "verdict.redeemed.detail": "Redeemed {time} by {who}.",
  "verdict.revoked.title": "Blocked by the supplier",
  "verdict.revoked.text": "The supplier revoked or froze this card. Do not buy or accept it.",
  "verdict.revoked.detail": "Reason: {reason}.",
  "verdict.expired.title": "Expired",
  "verdict.expired.text": "This card expired on {date} and can no longer be redeemed.",
  "verdict.notActivated.title": "Genuine, not activated yet",
  "verdict.notActivated.text":
    "Shops activate this card at the till when it is paid for. Until then it cannot be redeemed.",
  "verdict.counterfeit.title": "Not issued by a registered supplier",
  "verdict.counterfeit.text": "This card is probably counterfeit. Do not buy or accept it.",
  "verdict.unknownRegistry.title": "Not verified: unknown registry",
  "verdict.unknownRegistry.text":
    "This card points to a registry this verifier does not know, so it cannot be checked here. Treat it as unverified.",
  "verdict.unavailable.title": "Could not check right now",
  "verdict.unavailable.text": "The blockchain could not be reached. This says nothing about the card: try again.",
  "verdict.unavailable.wrongChain":
    "The blockchain node this verifier uses serves another network. This says nothing about the card.",
  "verdict.unavailable.noRpc": "No blockchain node is configured for this card's network.",
  "verdict.unavailable.badHint":
    "The blockchain node cannot find this card on its own, and the position the history service gave for it is wrong. This says nothing about the card: try again later.",
  "verdict.retry": "Retry",
  "verdict.partial": "Partly checked: {why}",
  "verdict.unproven.title": "Could not prove this card genuine right now",
  "verdict.unproven.text":
    "The blockchain knows this serial number and it is unused, but no proof that this QR code belongs to it could be checked. Do not rely on this card yet: try again in a moment.",

  "counterfeit.batchNotIssued": "No batch with this number was ever issued on the registry.",
  "counterfeit.serialOutOfRange": "The batch has no card with this serial number.",
  "counterfeit.cardKeyMismatch": "The QR code does not match the card the supplier issued with this serial number.",

  "invalid.title": "This is not a card's QR code",
  "invalid.empty": "No card data was given. Scan the QR code on the front of the card.",
  "invalid.url": "The link has no card data after #. Scan the card again or copy the whole link.",
  "invalid.character": "The card data contains a character that is not a digit. Scan the QR code again.",
  "invalid.length": "Digits are missing or extra. Scan the QR code again or copy the whole link.",
  "invalid.version": "The card was made by a newer version of CardProof. Update this verifier.",
  "invalid.printedForV1":
    "This card was printed for CardProof v1, which this verifier no longer checks. Ask the seller or the card's supplier to replace it.",
  "invalid.checksum":
    "This QR code may be damaged or tampered with: its check digits do not match. Scan it again in good light, or type the link printed under it. If it still fails, do not buy or accept the card and ask the seller for another.",
  "invalid.malformed": "The card data is not well-formed. Do not trust this card.",
  "invalid.secret":
    "This is the card's secret code, not its public QR code. Keep it private; scan the QR on the front of the card.",

  "echo.heading": "Compare with what is printed on your card",
  "echo.serial": "Serial",
  "echo.faceValue": "Face value",
  "echo.supplier": "Supplier",
  "echo.batch": "Batch",
  "echo.expires": "Expires",
  "echo.never": "never",
  "echo.unnamed": "no registered name",

  "repeat.times.one": "This is the first check of this card.",
  "repeat.times.other": "Checked {count} times, first on {date}.",
  "repeat.explain": "Counted without any personal data. Many checks can mean the card was shown to many buyers.",

  "evidence.heading": "How this was checked",
  "evidence.registry": "The card's registry {registry} on {chain} is on this verifier's allowlist.",
  "evidence.chain": "chain {chainId}",
  "evidence.registryUnknown": "The card's registry {registry}… on chain {chainId} is not on this verifier's allowlist.",
  "evidence.status": "Status read from the blockchain at block {block}: {status}.",
  "evidence.proof.verified":
    "Proof from {source} checked in this browser against the batch's root on the blockchain ({depth} hashes): the card is one of the {count} cards the supplier committed to.",
  "evidence.proof.cardKeyMismatch":
    "A proof from {source} that reaches the batch's root on the blockchain shows that the supplier's card with this serial number has another key than this QR code.",
  "evidence.proof.noManifest": "Proof not checked: the supplier has not published this batch's card list yet.",
  "evidence.proof.badProof":
    "Proof not checked: {sources} returned a proof that does not match the blockchain, so it was ignored.",
  "evidence.proof.badSource": "{sources} returned a proof that does not match the blockchain; it was ignored.",
  "evidence.proof.sourcesDown": "Proof not checked: no proof source could be reached.",
  "evidence.proof.noSource": "Proof not checked: this verifier has no proof source for this registry.",
  "evidence.source.indexer": "the history service",
  "evidence.history.checked":
    "Each of the {shown} events in the timeline was fetched from the blockchain node and compared field by field, and the card's state after them (holder, activation, revocation, redemption) is the blockchain's.",
  "evidence.history.complete": "This page fetched all {seq} changes to the batch: the timeline is complete.",
  "evidence.history.partial":
    "{unfetched} of the batch's {seq} changes were not fetched here; the history service says they do not involve this card. Hiding one would break the chain of holders or the final state, except a card sent away and back. The command cardproof audit checks the batch's whole hash chain.",
  "evidence.history.fromNode":
    "{count} recent events were read from the node directly: the history service has not reached them yet.",
  "evidence.history.altered":
    "The history service returned altered history. The timeline shows only what the blockchain confirms; the verdict comes from the blockchain.",
  "evidence.history.indexerDown": "History not checked: the history service (indexer) could not be reached.",
  "evidence.history.noHistory": "History not checked: the history service has no history for this card.",
  "evidence.history.rpcFailed": "History not checked: the blockchain node did not return the events.",
  "evidence.history.tooLong": "History not checked: the history service lists more events than this page checks.",
  "evidence.history.noIndexer": "No history service is configured, so no timeline is shown.",
  "history.problem.notOnChain": "A “{event}” event it lists (block {block}) is not on the blockchain.",
  "history.problem.altered": "Event {seq} ({event}) was altered: {fields}.",
  "history.problem.listedTwice": "Event {seq} ({event}) is listed twice.",
  "history.problem.omitted": "Event {seq} ({event}) was left out.",
  "history.problem.hashLink": "Event {seq} ({event}) does not link into the batch's hash chain.",
  "history.problem.custodyGap":
    "Event {seq} ({event}) moves the card from an account the history never gave it to: events are missing.",
  "history.problem.noIssuance": "The history does not start with the batch's issuance.",
  "history.problem.stateDiffers":
    "After the listed events, the card's {fields} differs from the blockchain's: events are missing or made up.",
  "history.field.holder": "holder",
  "history.field.activated": "activation",
  "history.field.revoked": "revocation",
  "history.field.redeemed": "redemption",
  "event.BatchIssued": "issuance",
  "event.LotTransferred": "transfer",
  "event.LotActivated": "activation",
  "event.LotRevoked": "revocation",
  "event.VoucherRedeemed": "redemption",
  "evidence.unavailable": "The blockchain node {node} did not answer.",

  "status.Unknown": "unknown",
  "status.Active": "active",
  "status.Inactive": "not activated",
  "status.Redeemed": "redeemed",
  "status.Revoked": "revoked",
  "status.Expired": "expired",

  "reason.stolen": "stolen",
  "reason.lost": "lost",
  "reason.damaged": "damaged",
  "reason.fraud": "fraud",
  "reason.recalled": "recalled",
  "reason.other": "other",
  "reason.code": "reason code {code}",

  "timeline.heading": "Custody timeline",
  "timeline.BatchIssued": "Issued by {who}",
  "timeline.LotTransferred": "Transferred to {who}",
  "timeline.LotActivated": "Activated at the till by {who}",
  "timeline.LotRevoked": "Revoked by the supplier: {reason}",
  "timeline.VoucherRedeemed": "Redeemed by {who}",
  "timeline.from": "from {who}",
  "timeline.escrow": "payment escrow",
  "timeline.block": "block {block}",
  "timeline.unavailable": "The timeline is unavailable right now: the history service (indexer) could not be reached.",
  "timeline.noHistory": "The history service has no timeline for this card.",
  "timeline.rpcFailed":
    "The timeline could not be checked against the blockchain right now, so it is not shown. Try again.",
  "timeline.source.omitted": "left out by the history service",
  "timeline.source.node": "read from the node: newer than the history service",
  "timeline.explorer": "view transaction",

  "code.heading": "Check my scratched code",
  "code.explain": "Type the code from under the scratch panel. It is checked on this phone and never sent anywhere.",
  "code.label": "Secret code (20 characters)",
  "code.button": "Check code",
  "code.match": "The code matches this card.",
  "code.notVerified":
    "Your code can be checked only against a card key whose proof was verified on the blockchain, and this card's proof was not (see below).",
  "code.loading": "Preparing the check on this phone…",
  "code.loadFailed": "The code check could not be loaded. Check the connection and try again.",
  "code.noMatch": "This code does not belong to this card.",
  "code.empty": "Type the 20 characters from the scratch panel.",
  "code.length": "A code has 20 characters: one is missing or extra.",
  "code.character": "Character {position} is not valid: codes use digits and the letters A to Z except U.",
  "code.checkCharacter": "A character was mistyped or two were swapped. Compare each one with the card.",

  "input.heading": "Check a card",
  "input.headingAgain": "Check another card",
  "input.scan": "Scan with the camera",
  "input.stop": "Stop the camera",
  "input.photo": "Use a photo",
  "input.pasteLabel": "Or paste the card's link or number",
  "input.check": "Check",
  "scan.hint": "Point the camera at the QR code on the front of the card.",
  "scan.noCamera": "The camera could not be started. Allow camera access, or use a photo.",
  "scan.notFound": "No card QR code was found in the photo. Try again, closer and in focus.",
  "scan.secret": "That is the secret redemption QR code. Scan the QR code on the front of the card.",
  "scan.video": "Camera preview",

  "footer.privacy":
    "No personal data is stored. The card number in the link stays in this browser's address bar only until the page reads it; the blockchain node and the CardProof indexer see which card was checked.",

  "scan.guide.closer": "Move closer: fill the frame with the QR code on the front of the card.",
  "scan.guide.steady": "Hold the phone steady for a moment so the picture is sharp.",
  "scan.guide.light": "More light, please: the picture is too dark to read the QR code.",
} as const;

/** Every message key. */
export type MessageKey = keyof typeof en;

/** A language's messages: every English key translated, plus any extra plural forms. */
export type Messages = Record<MessageKey, string> & Readonly<Record<string, string>>;
