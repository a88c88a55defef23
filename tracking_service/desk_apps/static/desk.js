// The desk apps' script (tracking_service/desk_apps): reads the desk's context (Chatwoot appContext, Zendesk ZAF,
// a posted context of ZAF's shape, or a paste), asks our own API for the parcel and the drafted answer, shows
// them with the words of tracking_service/labels.py. The agent's key comes from the URL fragment (#key=…) or the
// sign-in box, is kept in sessionStorage, and is sent only in the Authorization header of same-origin calls.
"use strict";

(function () {
  const DATA = JSON.parse(document.getElementById("desk-data").textContent);
  const DESK = DATA.desk;
  const KEY = "tracking-desk-key";
  const TENANT = "tracking-desk-tenant";
  const FIELDS = "tracking-desk-fields";
  const LANGUAGE = "tracking-desk-locale";
  const $ = (id) => document.getElementById(id);

  // Storage may be refused to a third-party frame: fall back to this page's memory.
  const memory = {};
  function storage(kind) {
    try {
      return window[kind] || null;
    } catch (refused) {
      return null;
    }
  }
  function getItem(kind, name) {
    try {
      const store = storage(kind);
      return store ? store.getItem(name) : memory[name] || null;
    } catch (refused) {
      return memory[name] || null;
    }
  }
  function setItem(kind, name, value) {
    memory[name] = value;
    try {
      const store = storage(kind);
      if (store) store.setItem(name, value);
    } catch (refused) {
      /* kept in memory */
    }
  }
  function removeItem(kind, name) {
    delete memory[name];
    try {
      const store = storage(kind);
      if (store) store.removeItem(name);
    } catch (refused) {
      /* nothing stored */
    }
  }

  // --- configuration from the fragment, which never leaves the browser --------------------------------------
  function readFragment() {
    if (location.hash.length < 2) return;
    const params = new URLSearchParams(location.hash.slice(1));
    const key = (params.get("key") || "").trim();
    if (key) setItem("sessionStorage", KEY, key);
    if (params.get("tenant")) setItem("sessionStorage", TENANT, params.get("tenant").trim());
    if (params.get("fields")) setItem("sessionStorage", FIELDS, params.get("fields").trim());
    if (DATA.locales.includes(params.get("lang"))) setItem("localStorage", LANGUAGE, params.get("lang"));
    // Out of the address bar and the history once read.
    history.replaceState(null, "", location.pathname + location.search);
  }

  // --- words ---------------------------------------------------------------------------------------------
  let messageScript = null; // the script the buyer wrote in, as the API read it
  function locale() {
    const chosen = getItem("localStorage", LANGUAGE);
    if (DATA.locales.includes(chosen)) return chosen;
    return DATA.locales.includes(messageScript) ? messageScript : "zh-Hans";
  }
  function t(name) {
    return DATA.ui[locale()][name] || DATA.ui["zh-Hans"][name] || name;
  }
  function label(kind, code) {
    if (code === null || code === undefined || code === "") return "";
    const table = DATA.labels[locale()][kind] || {};
    return table[code] || String(code);
  }
  function applyWords() {
    document.documentElement.lang = locale();
    document.querySelectorAll("[data-ui]").forEach((element) => {
      element.textContent = t(element.dataset.ui);
    });
    $("language").value = getItem("localStorage", LANGUAGE) || "";
    if (shown) render(shown);
  }
  function say(element, name) {
    element.dataset.ui = name;
    element.textContent = t(name);
  }
  function when(iso) {
    if (!iso) return "";
    const tag = { "zh-Hans": "zh-CN", "zh-Hant": "zh-TW", en: "en-GB" }[locale()];
    return new Date(iso).toLocaleString(tag, { dateStyle: "medium", timeStyle: "short" });
  }

  // --- our API -----------------------------------------------------------------------------------------
  class Unauthorized extends Error {}
  class Refused extends Error {
    constructor(problem, status) {
      super(problem.detail || problem.title || String(status));
      this.problem = problem;
      this.status = status;
    }
  }
  async function api(method, path, body) {
    const headers = { Authorization: "Bearer " + getItem("sessionStorage", KEY), Accept: "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "omit",
      cache: "no-store",
      referrerPolicy: "no-referrer",
    });
    const payload = await response.json().catch(() => ({}));
    if (response.status === 401) throw new Unauthorized();
    if (!response.ok) throw new Refused(payload, response.status);
    return payload;
  }
  function needsTenant(error) {
    return error instanceof Refused && (error.problem.errors || []).some((e) => (e.loc || []).includes("tenant"));
  }

  async function findShipment(hints) {
    for (const hint of hints) {
      for (const filter of ["tracking_number", "order_id"]) {
        const values = filter === "tracking_number" ? [...new Set([hint, hint.toUpperCase()])] : [hint];
        for (const value of values) {
          const page = await api("GET", "/v1/shipments?" + new URLSearchParams({ [filter]: value, limit: "1" }));
          if (page.items && page.items.length) return page.items[0];
        }
      }
    }
    return null;
  }

  // The buyer's message answered; when it names no parcel, the parcel the desk's attributes name (whose shop
  // also answers for a key of several shops when the app URL names none).
  async function answer(text, hints) {
    const hinted = hints.length ? await findShipment(hints) : null;
    const body = { text };
    const tenant = getItem("sessionStorage", TENANT) || (hinted && hinted.tenant);
    if (tenant) body.tenant = tenant;
    const result = await api("POST", "/v1/answers", body);
    if (result.shipment || !hinted) return result;
    const intent = result.intent === "unknown" ? "where_is_my_parcel" : result.intent;
    const query = new URLSearchParams({ intent, locale: result.locale });
    const prepared = await api("GET", "/v1/shipments/" + encodeURIComponent(hinted.id) + "/answer?" + query);
    return { ...result, shipment: hinted, text: prepared.text, intent: prepared.intent, intents: prepared.intents };
  }

  // --- the flow ----------------------------------------------------------------------------------------
  let pending = null; // the context waiting for a key
  let asked = null; // the last context looked up, so a desk re-sending the same one costs nothing
  let shown = null;

  function signedIn() {
    return Boolean(getItem("sessionStorage", KEY));
  }
  function showSignIn(problem) {
    $("work").hidden = true;
    $("sign-out").hidden = true;
    $("sign-in").hidden = false;
    $("sign-in-error").hidden = !problem;
    if (problem) say($("sign-in-error"), problem);
    $("key").focus();
  }
  function showWork() {
    $("sign-in").hidden = true;
    $("work").hidden = false;
    $("sign-out").hidden = false;
  }
  function showError(message) {
    $("error").hidden = false;
    $("error").textContent = message;
  }

  // A key is tried once when it arrives, so a wrong one is said at once, not at the buyer's next message.
  async function checkKey() {
    showWork();
    try {
      await api("GET", "/v1/shipments?limit=1");
    } catch (error) {
      if (error instanceof Unauthorized) {
        removeItem("sessionStorage", KEY);
        showSignIn("key_wrong");
        return;
      }
      // Any other refusal (a key of another role) is for the calls that follow to say.
    }
    if (pending) {
      const context = pending;
      pending = null;
      lookUp(context.text, context.hints);
    }
  }

  async function lookUp(text, hints) {
    const context = { text: text.trim(), hints };
    $("state").hidden = false;
    if (!context.text && !hints.length) {
      say($("state"), "no_message");
      return;
    }
    if (!signedIn()) {
      pending = context;
      showSignIn(null);
      return;
    }
    const fingerprint = JSON.stringify(context);
    if (fingerprint === asked) return;
    asked = fingerprint;
    showWork();
    $("error").hidden = true;
    say($("state"), "loading");
    try {
      const result = await answer(context.text || hints.join(" "), hints);
      messageScript = result.script || null;
      shown = { text: context.text || hints.join(" "), result };
      applyWords();
      $("state").hidden = true;
    } catch (error) {
      asked = null;
      if (error instanceof Unauthorized) {
        removeItem("sessionStorage", KEY);
        pending = context;
        showSignIn("key_wrong");
        return;
      }
      $("state").hidden = true;
      showError(needsTenant(error) ? t("need_tenant") : t("failed") + error.message);
    }
  }

  function render({ text, result }) {
    $("message-card").hidden = false;
    $("message").textContent = text;
    $("intent").textContent = (result.intents && result.intents.length ? result.intents : [result.intent])
      .map((code) => label("intent", code))
      .join(" + ");
    const parcel = result.shipment;
    $("parcel-card").hidden = !parcel;
    $("no-parcel").hidden = Boolean(parcel);
    if (parcel) {
      $("tracking-number").textContent = parcel.tracking_number;
      $("order-id").textContent = parcel.order_id || "—";
      $("carrier").textContent = parcel.sub_carrier ? parcel.carrier + " · " + parcel.sub_carrier : parcel.carrier;
      $("status").textContent = label("status", parcel.status);
      $("status").className = "badge " + parcel.status;
      $("status").dataset.code = parcel.status;
      $("sub-status").textContent = label("sub_status", parcel.sub_status);
      const scan = parcel.last_event;
      $("last-scan").textContent = scan
        ? [when(scan.occurred_at), scan.location, scan.description].filter(Boolean).join(" · ")
        : "—";
      const eta = parcel.estimated_delivery;
      $("eta").textContent = eta && eta.at ? when(eta.at) : "—";
      const incidents = parcel.open_incidents || [];
      $("incident").textContent = incidents.length
        ? incidents
            .map((i) => [label("incident", i.kind), label("incident_state", i.status), when(i.opened_at)])
            .map((parts) => parts.filter(Boolean).join(" · "))
            .join("；")
        : t("no_incident");
      $("incident").dataset.kinds = incidents.map((i) => i.kind).join(" ");
      $("other-matches").hidden = !result.other_matches;
      $("other-matches").textContent = t("other_matches").replace("{n}", String(result.other_matches || 0));
    }
    $("answer-card").hidden = false;
    $("answer").textContent = result.text;
    $("answer").lang = result.locale || "";
    $("copied").textContent = "";
  }

  async function copyAnswer() {
    const text = $("answer").textContent;
    try {
      await navigator.clipboard.writeText(text);
      say($("copied"), "copied");
    } catch (refused) {
      // A desk frame without clipboard-write permission: copy through a selection.
      const area = document.createElement("textarea");
      area.value = text;
      area.readOnly = true;
      area.className = "offscreen";
      document.body.append(area);
      area.select();
      const copied = document.execCommand("copy");
      area.remove();
      say($("copied"), copied ? "copied" : "copy_failed");
    }
  }

  // --- desk contexts -----------------------------------------------------------------------------------
  const HINT_NAME = /track|waybill|order|shipment|parcel|运单|快递|订单|單號|訂單/i;
  function attributeHints(objects) {
    const hints = [];
    for (const object of objects) {
      if (!object || typeof object !== "object") continue;
      for (const [name, value] of Object.entries(object)) {
        const text = typeof value === "number" ? String(value) : typeof value === "string" ? value.trim() : "";
        if (text && text.length <= 64 && HINT_NAME.test(name) && !hints.includes(text)) hints.push(text);
      }
    }
    return hints;
  }
  function parsed(data) {
    if (typeof data !== "string") return data;
    try {
      return JSON.parse(data);
    } catch (notJson) {
      return null;
    }
  }
  function fromParent(handle) {
    window.addEventListener("message", (event) => {
      if (event.source !== window.parent || window.parent === window) return;
      const payload = parsed(event.data);
      if (payload && typeof payload === "object") handle(payload);
    });
  }

  function fromChatwoot(context) {
    const conversation = context.conversation || {};
    const incoming = (conversation.messages || [])
      .filter((m) => m && (m.message_type === 0 || m.message_type === "incoming") && !m.private)
      .filter((m) => typeof m.content === "string" && m.content.trim())
      .sort((a, b) => (a.created_at || 0) - (b.created_at || 0));
    const last = incoming.length ? incoming[incoming.length - 1].content : "";
    lookUp(last, attributeHints([conversation.custom_attributes, (context.contact || {}).custom_attributes]));
  }

  function plain(html) {
    return new DOMParser().parseFromString(String(html), "text/html").body.textContent || "";
  }
  function fromZendesk(ticket) {
    const requester = ticket["ticket.requester"] || {};
    const stamp = (c) => Date.parse(c.createdAt || c.created_at || "") || 0;
    const theirs = (ticket["ticket.comments"] || []).filter(
      (c) => c && c.author && (c.author.id === requester.id || c.author.role === "end-user") && c.value,
    );
    // ZAF lists the conversation newest first; a timestamp, when given, decides.
    const newest = theirs.reduce((best, c) => (best === null || stamp(c) > stamp(best) ? c : best), null);
    // The custom fields asked for (#fields=…) hold an order or tracking number, whatever their names.
    const hints = Object.entries(ticket)
      .filter(([name, value]) => name.startsWith("ticket.customField:") && value !== null && value !== "")
      .map(([, value]) => String(value).trim());
    lookUp(newest ? plain(newest.value) : "", [...new Set(hints)]);
  }

  function zendeskFields() {
    return (getItem("sessionStorage", FIELDS) || "")
      .split(",")
      .map((f) => f.trim())
      .filter((f) => /^(custom_field_)?\d+$/.test(f))
      .map((f) => "ticket.customField:" + (f.startsWith("custom_field_") ? f : "custom_field_" + f));
  }
  function viaZaf() {
    const client = window.ZAFClient.init();
    client.get(["ticket.requester", "ticket.comments", ...zendeskFields()]).then(fromZendesk, (error) => {
      showWork();
      showError(t("failed") + (error && error.message ? error.message : String(error)));
    });
  }
  function startZendesk() {
    fromParent((payload) => {
      const ticket = payload.event === "ticketContext" && payload.data ? payload.data : payload;
      if ("ticket.comments" in ticket || "ticket.requester" in ticket) fromZendesk(ticket);
    });
    if (window.ZAFClient) return viaZaf();
    const inZendesk = new URLSearchParams(location.search).has("app_guid");
    if (!DATA.zaf_sdk_url || !inZendesk) return;
    const sdk = document.createElement("script");
    sdk.src = DATA.zaf_sdk_url;
    sdk.addEventListener("load", () => window.ZAFClient && viaZaf());
    document.head.append(sdk);
  }
  function startChatwoot() {
    fromParent((payload) => {
      if (payload.event === "appContext" && payload.data) fromChatwoot(payload.data);
    });
    if (window.parent !== window) window.parent.postMessage("chatwoot-dashboard-app:fetch-info", "*");
  }

  // --- wiring ------------------------------------------------------------------------------------------
  readFragment();
  $("language").addEventListener("change", (event) => {
    if (event.target.value) setItem("localStorage", LANGUAGE, event.target.value);
    else removeItem("localStorage", LANGUAGE);
    applyWords();
  });
  $("sign-in-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const key = $("key").value.trim();
    if (!key) return;
    setItem("sessionStorage", KEY, key);
    $("key").value = "";
    checkKey();
  });
  $("sign-out").addEventListener("click", () => {
    removeItem("sessionStorage", KEY);
    asked = null;
    showSignIn(null);
  });
  $("paste-form").addEventListener("submit", (event) => {
    event.preventDefault();
    asked = null; // a paste is always looked up
    lookUp($("paste").value, []);
  });
  $("copy").addEventListener("click", copyAnswer);
  applyWords();
  if (signedIn()) checkKey();
  else showSignIn(null);
  if (DESK === "chatwoot") startChatwoot();
  else startZendesk();
})();
