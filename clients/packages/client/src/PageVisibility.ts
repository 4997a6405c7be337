/** Whether the page is hidden, and word when that changes: the document's own, or a stand-in outside a browser. */
export interface PageVisibility {
  readonly hidden: boolean;
  onChange(listener: (hidden: boolean) => void): () => void;
}

/** The document's visibility, or "always visible" where there is no document. */
export function documentVisibility(): PageVisibility {
  if (typeof document === "undefined") {
    return { hidden: false, onChange: () => () => {} };
  }
  return {
    get hidden() {
      return document.visibilityState === "hidden";
    },
    onChange(listener) {
      const handler = () => listener(document.visibilityState === "hidden");
      document.addEventListener("visibilitychange", handler);
      return () => document.removeEventListener("visibilitychange", handler);
    },
  };
}
