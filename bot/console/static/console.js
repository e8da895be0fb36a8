/* qualbot console: the little script the pages need. No dependencies, no build step.
 * 1. Selecting a fact's quote highlights it in the transcript.
 * 2. A live conversation page follows the chat over Server-Sent Events and sends the rep's messages.
 * Every piece of text is inserted with textContent, never as HTML. */
(function () {
  "use strict";

  function csrf() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  // ---- 1. facts <-> quotes ----
  document.addEventListener("click", function (e) {
    var link = e.target.closest ? e.target.closest("a.quote[data-fact]") : null;
    if (!link) return;
    var key = link.getAttribute("data-fact");
    document.querySelectorAll("mark.q.on").forEach(function (m) { m.classList.remove("on"); });
    document.querySelectorAll("a.quote[aria-pressed=true]").forEach(function (a) { a.setAttribute("aria-pressed", "false"); });
    var marks = Array.prototype.filter.call(document.querySelectorAll("mark.q"), function (m) {
      return (m.getAttribute("data-facts") || "").split(" ").indexOf(key) >= 0;
    });
    marks.forEach(function (m) { m.classList.add("on"); });
    link.setAttribute("aria-pressed", "true");
    if (marks.length) {
      e.preventDefault();
      marks[0].scrollIntoView({ block: "center", behavior: "smooth" });
    }
  });

  // ---- 2. live conversation ----
  var live = document.getElementById("live");
  if (!live) return;
  var id = live.getAttribute("data-conversation");
  var log = document.getElementById("chatlog");
  var conn = document.getElementById("live-conn");
  var statusEl = document.getElementById("live-status");
  var stageEl = document.getElementById("live-stage");
  var WHO = { prospect: "Visitor", bot: "Bot", agent: "Sales rep" };
  var STATUS = { active: "Bot talking", waiting_human: "Waiting for a person", agent: "Person talking", ended: "Ended" };
  var STAGES = { iql: "IQL", mql: "MQL", sql: "SQL", nurture: "Nurture", disqualified: "Disqualified" };

  function el(name, cls, text) {
    var n = document.createElement(name);
    if (cls) n.className = cls;
    if (text != null) n.textContent = text;
    return n;
  }
  function add(role, text, who) {
    var li = el("li", "msg role-" + role);
    var meta = el("div", "meta");
    meta.appendChild(el("b", null, who || WHO[role] || role));
    meta.appendChild(document.createTextNode(" "));
    meta.appendChild(el("time", null, new Date().toISOString().slice(11, 16))); // UTC, like the server's times
    li.appendChild(meta);
    li.appendChild(el("div", "bubble", String(text == null ? "" : text)));
    log.appendChild(li);
    li.scrollIntoView({ block: "end" });
  }
  function note(text) { log.appendChild(el("li", "sys", text)); }
  function setStatus(s) {
    live.setAttribute("data-status", s);
    statusEl.textContent = STATUS[s] || s;
    statusEl.className = "status status-" + s;
  }

  var source = new EventSource("/console/live/" + encodeURIComponent(id) + "/events");
  var opened = false;
  source.addEventListener("ready", function () {
    if (opened) { location.reload(); return; } // reconnected: reload so nothing in between is missed
    opened = true;
    live.setAttribute("data-connected", "yes");
    conn.textContent = "on"; conn.className = "conn on";
  });
  source.onerror = function () { conn.textContent = "reconnecting…"; conn.className = "conn"; live.setAttribute("data-connected", "no"); };
  source.onmessage = function (ev) {
    var m;
    try { m = JSON.parse(ev.data); } catch (err) { return; }
    if (m.type === "message") add(m.role, m.text);
    else if (m.type === "bot") add("bot", m.text);
    else if (m.type === "agent") add("agent", m.text, (m.name || "Sales rep") + " (rep)");
    else if (m.type === "status") {
      if (m.state === "agent_joined") { note((m.name || "A rep") + " took the conversation over."); setStatus("agent"); }
      else if (m.state === "agent_left") { note((m.name || "The rep") + " handed the conversation back to the bot."); setStatus("active"); }
    } else if (m.type === "turn") {
      if (m.status) setStatus(m.status);
      if (m.stage && stageEl) {
        var badge = el("span", "stage stage-" + m.stage, STAGES[m.stage] || m.stage);
        stageEl.textContent = ""; stageEl.appendChild(badge);
      }
    }
  };

  var form = document.getElementById("send-form");
  if (form) form.addEventListener("submit", function (e) {
    e.preventDefault();
    var input = form.querySelector("input[name=text]");
    var text = input.value.trim();
    if (!text) return;
    var body = new URLSearchParams();
    body.set("text", text);
    fetch(form.action, {
      method: "POST",
      headers: { "X-CSRF-Token": csrf(), "Accept": "application/json", "Content-Type": "application/x-www-form-urlencoded" },
      body: body.toString(),
      credentials: "same-origin"
    }).then(function (r) {
      if (r.ok) { input.value = ""; input.focus(); return; }
      return r.json().then(function (j) { note((j.error && j.error.message) || "The message was not sent."); });
    }).catch(function () { note("The message was not sent: the server cannot be reached."); });
  });
})();
