import type { Translator } from "../i18n/createTranslator.js";
import type { MessageKey } from "../i18n/messages/en.js";
import type { ScanGuidance } from "../scanner/createGuidanceMeter.js";
import { h } from "./h.js";

/** The camera view's advice for each guidance the scanner gives. */
const GUIDANCE_KEYS: Readonly<Record<ScanGuidance, MessageKey>> = {
  closer: "scan.guide.closer",
  steady: "scan.guide.steady",
  light: "scan.guide.light",
  secret: "scan.secret",
};

/**
 * "Check a card": scan with the camera (the scanner's code loads only when pressed), read a photo
 * (on a phone the file picker offers the camera), or paste/type a link or the QR's digits.
 * `onText` gets whatever was read, to be parsed by the caller.
 */
export function createInputPanel(
  t: Translator,
  { again, onText }: { again: boolean; onText(text: string): void },
): { element: HTMLElement; stopCamera(): void } {
  let camera: { stop(): void } | undefined;
  const message = h("p", { class: "scan-message", role: "status" });
  const video = h("video", {
    class: "scan-video",
    hidden: true,
    "aria-label": t.t("scan.video"),
    muted: true,
    playsinline: true,
  });
  const hint = h("p", { class: "scan-hint", hidden: true }, t.t("scan.hint"));
  // Live advice while the camera reads nothing: its own polite live region, so a screen reader hears
  // each new piece of advice once, not every frame.
  const guidance = h("p", { class: "scan-guidance", role: "status", "aria-live": "polite", "data-guidance": "" });
  const guide = (kind: ScanGuidance | "") => {
    if (guidance.dataset.guidance === kind) return;
    guidance.dataset.guidance = kind;
    guidance.textContent = kind === "" ? "" : t.t(GUIDANCE_KEYS[kind]);
  };
  const scanButton = h(
    "button",
    { type: "button", class: "button button-primary", "data-action": "scan" },
    t.t("input.scan"),
  );

  const stopCamera = () => {
    camera?.stop();
    camera = undefined;
    video.hidden = true;
    hint.hidden = true;
    guide("");
    scanButton.textContent = t.t("input.scan");
  };
  const show = (text: string) => {
    message.textContent = text;
  };

  scanButton.addEventListener("click", () => {
    if (camera !== undefined) return stopCamera();
    show("");
    video.hidden = false;
    hint.hidden = false;
    scanButton.textContent = t.t("input.stop");
    void import("../scanner/startCameraScanner.js")
      .then(({ startCameraScanner }) =>
        startCameraScanner(video, {
          onCard: (text) => {
            stopCamera();
            onText(text);
          },
          // Named at once, in the same live region as the advice that later replaces it.
          onSecret: () => guide("secret"),
          onGuidance: guide,
        }),
      )
      .then(
        (started) => {
          camera = started;
          video.dataset.engine = started.engine;
        },
        () => {
          stopCamera();
          show(t.t("scan.noCamera"));
        },
      );
  });

  const photo = h("input", {
    type: "file",
    accept: "image/*",
    capture: "environment",
    id: "photo-input",
    class: "visually-hidden",
  });
  photo.addEventListener("change", () => {
    const file = photo.files?.[0];
    photo.value = "";
    if (file === undefined) return;
    show("");
    void import("../scanner/readQrFromPhoto.js")
      .then(({ readQrFromPhoto }) => readQrFromPhoto(file))
      .then(
        (found) => {
          if (found.kind === "card") onText(found.text);
          else show(t.t(found.kind === "secret" ? "scan.secret" : "scan.notFound"));
        },
        () => show(t.t("scan.notFound")),
      );
  });

  const pasted = h("input", {
    id: "paste-input",
    type: "text",
    dir: "ltr",
    inputmode: "url",
    autocomplete: "off",
    spellcheck: "false",
    class: "paste-input",
  });
  const form = h(
    "form",
    {
      class: "paste-form",
      novalidate: true,
      on: {
        submit: (event: Event) => {
          event.preventDefault();
          const text = pasted.value;
          if (text.trim() !== "") onText(text);
        },
      },
    },
    h("label", { for: "paste-input" }, t.t("input.pasteLabel")),
    h("div", { class: "row" }, pasted, h("button", { type: "submit", class: "button" }, t.t("input.check"))),
  );

  const element = h(
    "section",
    { class: "input-panel", "aria-labelledby": "input-title" },
    h("h2", { id: "input-title" }, t.t(again ? "input.headingAgain" : "input.heading")),
    h("div", { class: "row buttons" }, scanButton, photo, h("label", { for: "photo-input", class: "button" }, t.t("input.photo"))),
    video,
    hint,
    guidance,
    message,
    form,
  ); // prettier-ignore
  return { element, stopCamera };
}
