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

/** Whether the browser thinks it is online, and word when that changes. */
export interface NetworkStatus {
  readonly online: boolean;
  onChange(listener: (online: boolean) => void): () => void;
}

/** The browser's `online`/`offline` events, or "always online" outside a browser. */
export function browserNetwork(): NetworkStatus {
  if (typeof window === "undefined" || typeof navigator === "undefined") {
    return { online: true, onChange: () => () => {} };
  }
  return {
    get online() {
      return navigator.onLine;
    },
    onChange(listener) {
      const online = () => listener(true);
      const offline = () => listener(false);
      window.addEventListener("online", online);
      window.addEventListener("offline", offline);
      return () => {
        window.removeEventListener("online", online);
        window.removeEventListener("offline", offline);
      };
    },
  };
}
