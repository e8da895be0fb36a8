/*! qualbot chat widget: one <script> tag mounts an isolated chat (shadow root) that speaks the
 * /ws/chat protocol of the qualbot server it was loaded from. No dependencies, no build step.
 * Configuration: data-* attributes of the tag (see docs/widget.md). */
(function () {
  "use strict";
  var tag = document.currentScript || document.querySelector("script[src*='widget.js']");
  if (!tag || window.QualbotWidget) return;
  var d = tag.dataset;
  var src = new URL(tag.src, location.href);
  var wsUrl = (src.protocol === "https:" ? "wss://" : "ws://") + src.host + "/ws/chat";
  var flow = d.flow || "bant";
  var KEY = "qualbot:" + src.host + ":" + flow;
  var MAX_ITEMS = 200, MAX_EVENTS = 50, CAP_MS = 15000;
  var list = function (v, dflt) {
    return (v == null ? dflt : v).split(",").map(function (s) { return s.trim(); }).filter(Boolean);
  };
  var cfg = {
    title: d.title || "Chat with us",
    greeting: d.greeting || "",
    left: d.position === "left",
    delay: parseFloat(d.delay),
    openOn: list(d.openOn, ""),
    pricing: list(d.pricingPages, "/pricing,/plans"),
    consent: d.consent === "required",
    consentText: d.consentText ||
      "This chat records your answers so our team can follow up. Nothing is sent until you agree.",
  };

  // ---- persisted state: resume token, the transcript shown, unsent messages and events ----
  var S = { token: null, items: [], events: [], consent: false, dismissed: false, open: false, mode: "bot" };
  try { var saved = JSON.parse(localStorage.getItem(KEY) || "null"); if (saved) S = Object.assign(S, saved); } catch (e) { /* storage off: memory only */ }
  function save() {
    if (S.items.length > MAX_ITEMS) S.items = S.items.slice(-MAX_ITEMS);
    try { localStorage.setItem(KEY, JSON.stringify(S)); } catch (e) { /* quota or disabled */ }
  }
  var consented = function () { return !cfg.consent || S.consent; };
  // Another tab of the same site moved the conversation on: show what it shows.
  window.addEventListener("storage", function (e) {
    if (e.key !== KEY || !e.newValue) return;
    try { S = JSON.parse(e.newValue); } catch (err) { return; }
    redraw(); want();
  });

  // ---- DOM inside a shadow root ----
  function el(name, attrs, text) {
    var n = document.createElement(name);
    for (var k in attrs || {}) n.setAttribute(k, attrs[k]);
    if (text != null) n.textContent = text;
    return n;
  }
  function icon(path) {
    var NS = "http://www.w3.org/2000/svg", svg = document.createElementNS(NS, "svg"), p = document.createElementNS(NS, "path");
    svg.setAttribute("viewBox", "0 0 24 24"); svg.setAttribute("width", "26"); svg.setAttribute("height", "26");
    svg.setAttribute("aria-hidden", "true"); svg.setAttribute("focusable", "false");
    p.setAttribute("d", path); p.setAttribute("fill", "currentColor"); svg.appendChild(p);
    return svg;
  }
  var host = el("qualbot-widget");
  var root = host.attachShadow({ mode: "open" });
  var css = [
    ":host{all:initial!important;display:block!important}",
    ".qb{--qb-accent:#2150c8;--qb-on:#fff;font:15px/1.45 system-ui,-apple-system,\"Segoe UI\",Roboto,Helvetica,Arial,sans-serif,\"Apple Color Emoji\",\"Segoe UI Emoji\",\"Noto Color Emoji\";color:#1b1f24;text-align:left}",
    "*,*::before,*::after{box-sizing:border-box}",
    "[hidden]{display:none!important}",
    "button{font:inherit;cursor:pointer;margin:0}",
    "button:focus-visible,input:focus-visible,.log:focus-visible{outline:3px solid #1b1f24;outline-offset:2px;box-shadow:0 0 0 5px #fff}",
    ".launch{position:fixed;z-index:2147483000;bottom:20px;right:20px;width:56px;height:56px;border:0;border-radius:50%;padding:0;background:var(--qb-accent);color:var(--qb-on);box-shadow:0 4px 14px rgba(0,0,0,.28);display:flex;align-items:center;justify-content:center}",
    ".left .launch{right:auto;left:20px}",
    ".launch.dot::after{content:\"\";position:absolute;top:4px;right:4px;width:12px;height:12px;border-radius:50%;background:#d93025;border:2px solid #fff}",
    ".panel{position:fixed;z-index:2147483001;bottom:88px;right:20px;width:370px;max-width:calc(100vw - 24px);height:560px;max-height:calc(100vh - 108px);background:#fff;border-radius:14px;box-shadow:0 12px 40px rgba(0,0,0,.24);display:flex;flex-direction:column;overflow:hidden;animation:qb-in .18s ease-out}",
    ".left .panel{right:auto;left:20px}",
    "@keyframes qb-in{from{opacity:0;transform:translateY(10px)}}",
    "header{display:flex;align-items:center;gap:8px;padding:10px 10px 10px 16px;background:var(--qb-accent);color:var(--qb-on)}",
    "h2{flex:1;margin:0;font-size:16px;font-weight:600;line-height:1.3}",
    ".x{width:40px;height:40px;border:0;border-radius:8px;background:transparent;color:inherit;display:flex;align-items:center;justify-content:center;padding:0}",
    ".off{margin:0;padding:6px 16px;background:#fff3cd;color:#533f03;font-size:13px}",
    ".log{flex:1;overflow-y:auto;list-style:none;margin:0;padding:14px;display:flex;flex-direction:column;gap:8px}",
    ".m{max-width:85%;padding:8px 12px;border-radius:14px;white-space:pre-wrap;overflow-wrap:anywhere}",
    ".bot{align-self:flex-start;background:#eef1f5;border-bottom-left-radius:4px}",
    ".agent{align-self:flex-start;background:#e7f5ec;border:1px solid #9fd3b1;border-bottom-left-radius:4px}",
    ".who{display:block;font-size:12px;font-weight:700;color:#17502c}",
    ".me{align-self:flex-end;background:var(--qb-accent);color:var(--qb-on);border-bottom-right-radius:4px}",
    ".book{display:inline-block;padding:6px 12px;border-radius:8px;background:var(--qb-accent);color:var(--qb-on);font-weight:600;text-decoration:none}",
    ".sys{align-self:center;max-width:95%;padding:2px 8px;font-size:13px;color:#4d5766;text-align:center}",
    ".pend{display:block;font-size:11px;font-style:italic}",
    ".typing{display:flex;gap:4px;margin:0 14px 8px;padding:10px 12px;width:58px;border-radius:14px;background:#eef1f5}",
    ".typing i{width:7px;height:7px;border-radius:50%;background:#6b7583;animation:qb-dot 1s infinite ease-in-out}",
    ".typing i:nth-of-type(2){animation-delay:.15s}.typing i:nth-of-type(3){animation-delay:.3s}",
    "@keyframes qb-dot{50%{transform:translateY(-4px);opacity:.5}}",
    ".qr{display:flex;flex-wrap:wrap;gap:6px;padding:0 14px 10px}",
    ".qr button{padding:6px 12px;border:1px solid var(--qb-accent);border-radius:16px;background:#fff;color:var(--qb-accent);font-size:14px}",
    ".consent{padding:12px 16px;border-top:1px solid #e1e5ea}",
    ".consent p{margin:0 0 10px;font-size:14px}",
    ".agree,.send{border:0;background:var(--qb-accent);color:var(--qb-on)}",
    ".agree{width:100%;padding:10px;border-radius:10px}",
    ".inp{display:flex;gap:8px;margin:0;padding:10px;border-top:1px solid #e1e5ea}",
    "input{flex:1;min-width:0;margin:0;padding:9px 14px;border:1px solid #7c8695;border-radius:20px;background:#fff;color:#1b1f24;font:inherit;font-size:16px}",
    ".send{width:42px;height:42px;flex:none;border-radius:50%;display:flex;align-items:center;justify-content:center;padding:0}",
    ".send svg{width:20px;height:20px}",
    ".sr{position:absolute!important;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}",
    "@media (max-width:480px){.panel,.left .panel{inset:0;width:auto;max-width:none;height:auto;max-height:none;border-radius:0}}",
    "@media (prefers-reduced-motion:reduce){*,*::before,*::after{animation:none!important;transition:none!important}}"
  ].join("");
  if (root.adoptedStyleSheets && window.CSSStyleSheet && CSSStyleSheet.prototype.replaceSync) {
    // A constructed sheet needs no 'unsafe-inline' in the host page's style-src.
    var sheet = new CSSStyleSheet(); sheet.replaceSync(css); root.adoptedStyleSheets = [sheet];
  } else root.appendChild(el("style", {}, css));

  var wrap = el("div", { "class": "qb" + (cfg.left ? " left" : "") });
  [["color", "--qb-accent"], ["colorText", "--qb-on"]].forEach(function (c) {
    var v = d[c[0]];
    if (v && window.CSS && CSS.supports("color", v)) wrap.style.setProperty(c[1], v);
  });
  var launcher = el("button", { "class": "launch", type: "button", "aria-label": cfg.title, "aria-expanded": "false", "aria-controls": "qb-panel" });
  launcher.appendChild(icon("M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2zm3 6.5a1.5 1.5 0 1 0 0 .01zm5 0a1.5 1.5 0 1 0 0 .01zm5 0a1.5 1.5 0 1 0 0 .01z"));
  var panel = el("section", { id: "qb-panel", "class": "panel", role: "dialog", "aria-labelledby": "qb-title" });
  panel.hidden = true;
  var head = el("header");
  var closeBtn = el("button", { "class": "x", type: "button", "aria-label": "Close chat" });
  closeBtn.appendChild(icon("M6.4 5 12 10.6 17.6 5 19 6.4 13.4 12 19 17.6 17.6 19 12 13.4 6.4 19 5 17.6 10.6 12 5 6.4z"));
  head.appendChild(el("h2", { id: "qb-title" }, cfg.title)); head.appendChild(closeBtn);
  var offline = el("p", { "class": "off", role: "status" }, "Offline. Reconnecting\u2026 Your messages will be sent.");
  offline.hidden = true;
  var log = el("ol", { "class": "log", "aria-label": "Conversation", tabindex: "0" });
  var typing = el("div", { "class": "typing" });
  typing.appendChild(el("span", { "class": "sr" }, "The assistant is typing"));
  for (var i = 0; i < 3; i++) typing.appendChild(el("i", { "aria-hidden": "true" }));
  typing.hidden = true;
  var replies = el("div", { "class": "qr", role: "group", "aria-label": "Suggested answers" });
  var consentBox = el("div", { "class": "consent" });
  consentBox.appendChild(el("p", {}, cfg.consentText));
  var agree = el("button", { type: "button", "class": "agree" }, "I agree, start the chat");
  consentBox.appendChild(agree);
  var form = el("form", { "class": "inp" });
  var input = el("input", { type: "text", id: "qb-input", autocomplete: "off", maxlength: "4096", placeholder: "Type your answer\u2026" });
  var send = el("button", { type: "submit", "class": "send", "aria-label": "Send" });
  send.appendChild(icon("M3 20.5 21 12 3 3.5v6.6L15 12 3 13.9z"));
  form.appendChild(el("label", { "for": "qb-input", "class": "sr" }, "Your message"));
  form.appendChild(input); form.appendChild(send);
  var live = el("div", { "class": "sr", "aria-live": "polite" });
  [head, offline, log, typing, replies, consentBox, form].forEach(function (n) { panel.appendChild(n); });
  [launcher, panel, live].forEach(function (n) { wrap.appendChild(n); });
  root.appendChild(wrap);

  // ---- transcript ----
  var nodes = [];
  var WHO = { bot: "Assistant", me: "You" };
  function render(it) {
    var li = el("li", { "class": "m " + it.r });
    if (it.r === "agent") li.appendChild(el("span", { "class": "who" }, it.n));
    else if (it.r !== "sys") li.appendChild(el("span", { "class": "sr" }, WHO[it.r] + ": "));
    if (it.u) li.appendChild(el("a", { "class": "book", href: it.u, target: "_blank", rel: "noopener noreferrer" }, it.t));
    else li.appendChild(document.createTextNode(it.t));
    if (it.p) li.appendChild(el("span", { "class": "pend" }, "Not sent yet"));
    log.appendChild(li);
    return li;
  }
  function redraw() {
    log.textContent = ""; nodes = [];
    if (cfg.greeting) render({ r: "bot", t: cfg.greeting });
    S.items.forEach(function (it) { nodes.push(render(it)); });
    setReplies(S.qr || []);
    consentBox.hidden = consented(); form.hidden = !consented();
  }
  function add(it, announce) {
    S.items.push(it); nodes.push(render(it)); save();
    if (announce) {
      live.textContent = (it.r === "agent" ? it.n : WHO[it.r] || "") + ": " + it.t;
      if (panel.hidden) { launcher.classList.add("dot"); launcher.setAttribute("aria-label", cfg.title + " (new message)"); }
    }
    scrollDown();
  }
  // After the quick replies or the typing dots change the log's height too.
  function scrollDown() { log.scrollTop = log.scrollHeight; }
  function note(text) { add({ r: "sys", t: text }, false); live.textContent = text; }
  function setReplies(qr) {
    S.qr = qr; replies.textContent = "";
    qr.forEach(function (q) {
      var b = el("button", { type: "button" }, q);
      b.addEventListener("click", function () { submit(q); input.focus(); });
      replies.appendChild(b);
    });
    replies.hidden = !qr.length; scrollDown();
  }
  var typingTimer = 0;
  function showTyping(on) {
    typing.hidden = !on; clearTimeout(typingTimer); scrollDown();
    if (on) typingTimer = setTimeout(function () { typing.hidden = true; }, 15000);
  }

  // ---- connection: resume, backoff with jitter, drain, queue ----
  var ws = null, live_ = false, wanted = false, attempt = 0, timer = 0, draining = false, resumeFails = 0;
  var repeatCheck = false, held = [], holdTimer = 0, flushed = [], lastSent = null, pinger = 0;
  function say(b) { add({ r: "bot", t: b.t, f: b.f }, true); setReplies(b.qr); save(); }
  function release() { clearTimeout(holdTimer); repeatCheck = false; held.splice(0).forEach(say); }
  function online() { return ws && live_ && ws.readyState === 1; }
  function want() {
    if (!consented()) return;
    wanted = true;
    if (!ws && !timer) connect();
  }
  function connect() {
    timer = 0;
    if (ws || !wanted) return;
    var url = wsUrl + (S.token ? "?resume=" + encodeURIComponent(S.token) : "?flow=" + encodeURIComponent(flow));
    var sock, opened = false;
    try { sock = new WebSocket(url); } catch (e) { return retry(false); }
    ws = sock; live_ = false;
    sock.onopen = function () { opened = true; };
    sock.onmessage = function (ev) { if (ws === sock) frame(ev.data); };
    sock.onclose = function () {
      if (ws !== sock) return;
      var hadSession = live_;
      ws = null; live_ = false; showTyping(false); clearInterval(pinger);
      // Opened, then closed before a session frame: the server refused the resume token.
      if (opened && !hadSession && S.token && ++resumeFails >= 2) {
        S.token = null; resumeFails = 0; save(); note("Starting a new conversation.");
      }
      retry(draining);
      draining = false;
    };
  }
  function retry(fast) {
    if (!wanted || timer) return;
    if (!fast) offline.hidden = false;
    var ms = fast ? 100 + Math.random() * 900 : Math.min(CAP_MS, 500 * Math.pow(2, attempt++)) * (0.5 + Math.random() / 2);
    timer = setTimeout(connect, ms);
  }
  function reconnectNow() { if (wanted && !ws) { clearTimeout(timer); timer = 0; attempt = 0; connect(); } }
  window.addEventListener("online", reconnectNow);
  function out(obj) { ws.send(JSON.stringify(obj)); }
  function frame(data) {
    var m;
    try { m = JSON.parse(data); } catch (e) { return; }
    if (!m || typeof m !== "object") return;
    if (m.type !== "bot" && m.type !== "typing" && m.type !== "pong") release();
    if (m.type === "session") {
      repeatCheck = !!S.token; held = [];
      S.token = m.resume_token; S.cid = m.conversation_id;
      live_ = true; attempt = 0; resumeFails = 0; offline.hidden = true;
      clearInterval(pinger); // idle connections are cut by proxies: keep this one busy
      pinger = setInterval(function () { if (online()) out({ type: "ping" }); }, 25000);
      S.events.splice(0).forEach(out);
      flushed = [];
      flush();
    } else if (m.type === "typing") { if (S.mode !== "agent") showTyping(true); }
    else if (m.type === "bot") {
      showTyping(false);
      var b = { t: String(m.text == null ? "" : m.text), f: m.field || null, qr: Array.isArray(m.quick_replies) ? m.quick_replies.map(String) : [] };
      if (repeatCheck) {
        // Resumed: the server says "welcome back" and repeats the pending question. Both are
        // news only when the visitor's last answer was never answered.
        if (!b.f) { held.push(b); clearTimeout(holdTimer); holdTimer = setTimeout(release, 1500); return; }
        if (isRepeat(b.t)) { held = []; clearTimeout(holdTimer); repeatCheck = false; setReplies(b.qr); save(); return; }
        release();
      }
      say(b);
    } else if (m.type === "agent") {
      showTyping(false); release();
      add({ r: "agent", t: String(m.text == null ? "" : m.text), n: String(m.name || "Sales team") }, true);
    } else if (m.type === "status") status(m); else if (m.type === "qualified") {
      S.stage = m.stage; setReplies([]);
      // The rep's booking link as a button; only a web address is ever made a link.
      if (typeof m.meeting_link === "string" && /^https?:\/\//i.test(m.meeting_link)) {
        add({ r: "bot", t: "Book a meeting" + (m.rep_name ? " with " + String(m.rep_name) : ""), u: m.meeting_link }, true);
      }
      save();
    }
    else if (m.type === "error") error(m);
    else if (m.type === "reconnect") { draining = true; ws.close(); }
  }
  // A status is told once: a resumed connection repeats the current one.
  function status(m) {
    var mode = { waiting_human: "waiting", agent_joined: "agent", agent_left: "bot" }[m.state];
    if (!mode || mode === S.mode) return;
    var who = m.name ? String(m.name) : "A person from our team";
    S.mode = mode; showTyping(false);
    note(mode === "waiting" ? "Connecting you with a person from our team\u2026" : who + (mode === "agent" ? " joined the chat." : " left the chat."));
  }
  function flush() {
    if (!online()) return;
    S.items.forEach(function (it, i) {
      if (!it.p) return;
      out({ type: "message", text: it.t }); delete it.p; flushed.push(it); lastSent = it;
      var n = render(it); log.replaceChild(n, nodes[i]); nodes[i] = n;
    });
    save();
  }
  function error(m) {
    if (m.code === "unknown_resume_token") {
      // The server no longer knows this conversation: start a new one on this connection.
      S.token = null; save(); note("Starting a new conversation.");
      out({ type: "start", flow: flow });
    } else if (m.code === "storage_unavailable" && lastSent) {
      var i = S.items.indexOf(lastSent); // not taken: send it again shortly
      if (i >= 0) { lastSent.p = 1; var n = render(lastSent); log.replaceChild(n, nodes[i]); nodes[i] = n; save(); }
      lastSent = null; setTimeout(flush, 2000);
    } else note(String(m.message || "Something went wrong. Please try again."));
  }
  // On resume the server repeats the pending question: don't show it twice when it is the last
  // thing the visitor saw; show it again when the visitor's last answer was never answered.
  function isRepeat(text) {
    for (var i = S.items.length - 1; i >= 0; i--) {
      var it = S.items[i];
      if (it.r === "sys" || flushed.indexOf(it) >= 0) continue;
      return it.r === "bot" && it.t === text;
    }
    return false;
  }
  function submit(text) {
    text = text.trim();
    if (!text || !consented()) return;
    var it = { r: "me", t: text };
    it.p = 1;
    setReplies([]); add(it, false); want(); flush();
  }

  // ---- engagement: page views, time on pricing pages, opening the chat ----
  function track(name, extra) {
    if (!consented()) return;
    var ev = Object.assign({ type: "event", name: name, url: location.href }, extra || {});
    if (online()) out(ev);
    else { S.events.push(ev); S.events = S.events.slice(-MAX_EVENTS); save(); }
  }
  var path = location.pathname;
  var here = function (p) { return path === p || path.indexOf(p.replace(/\/$/, "") + "/") === 0; };
  var visibleMs = 0, since = document.visibilityState === "visible" ? Date.now() : 0, timed = !cfg.pricing.some(here);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") { since = Date.now(); reconnectNow(); }
    else if (since) { visibleMs += Date.now() - since; since = 0; }
  });
  window.addEventListener("pagehide", function () {
    if (timed) return;
    timed = true;
    track("pricing_time", { seconds: Math.round((visibleMs + (since ? Date.now() - since : 0)) / 1000) });
  });

  // ---- open / close, keyboard ----
  function open(focus) {
    panel.hidden = false; launcher.setAttribute("aria-expanded", "true");
    launcher.classList.remove("dot"); launcher.setAttribute("aria-label", cfg.title);
    S.open = true; save(); scrollDown(); want();
    if (focus) (consented() ? input : agree).focus();
  }
  function close() {
    panel.hidden = true; launcher.setAttribute("aria-expanded", "false");
    S.open = false; S.dismissed = true; save(); launcher.focus();
  }
  launcher.addEventListener("click", function () {
    if (!panel.hidden) return close();
    open(true); track("widget_open");
  });
  closeBtn.addEventListener("click", close);
  wrap.addEventListener("keydown", function (e) { if (e.key === "Escape" && !panel.hidden) { e.preventDefault(); close(); } });
  form.addEventListener("submit", function (e) { e.preventDefault(); submit(input.value); input.value = ""; });
  agree.addEventListener("click", function () {
    S.consent = true; save(); redraw(); pageView(); want(); input.focus();
  });

  function pageView() { track("page_view", { title: document.title.slice(0, 200) }); }
  function mount() {
    document.body.appendChild(host);
    redraw();
    pageView();
    if (S.token) want();
    var auto = cfg.openOn.length ? cfg.openOn.some(here) : !isNaN(cfg.delay);
    if (S.open) open(false);
    else if (auto && !S.dismissed) setTimeout(function () { if (panel.hidden) open(false); }, (isNaN(cfg.delay) ? 3 : cfg.delay) * 1000);
  }
  // pageView: for single-page sites, whose route changes load no new page.
  window.QualbotWidget = { open: function () { open(true); }, close: close, pageView: pageView };
  if (document.body) mount(); else document.addEventListener("DOMContentLoaded", mount);
})();
