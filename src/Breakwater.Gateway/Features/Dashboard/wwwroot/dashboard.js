"use strict";
// The Breakwater dashboard: polls /breakwater/state every 2 s and renders it. Everything shown that came from a
// request (model names, messages) is inserted as text, never as HTML.
(function () {
  const POLL_MS = 2000;
  const SVG = "http://www.w3.org/2000/svg";

  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    if (attrs) {
      for (const [k, v] of Object.entries(attrs)) {
        if (v === null || v === undefined || v === false) continue;
        if (k === "class") el.className = v;
        else if (k === "text") el.textContent = v;
        else el.setAttribute(k, v === true ? "" : String(v));
      }
    }
    for (const c of children.flat()) {
      if (c === null || c === undefined || c === false) continue;
      el.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return el;
  }

  function s(tag, attrs) {
    const el = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, String(v));
    return el;
  }

  const $ = (id) => document.getElementById(id);
  const fmt = new Intl.NumberFormat("en-US");
  const n = (v) => fmt.format(v || 0);

  function time(iso) {
    const d = new Date(iso);
    return d.toLocaleTimeString("en-GB", { hour12: false });
  }

  function dateTime(iso) {
    const d = new Date(iso);
    return d.toLocaleDateString("en-CA") + " " + d.toLocaleTimeString("en-GB", { hour12: false });
  }

  function duration(ms) {
    const sec = Math.max(0, Math.round(ms / 1000));
    if (sec < 60) return sec + " s";
    const min = Math.floor(sec / 60);
    if (min < 60) return min + " min " + (sec % 60) + " s";
    const hr = Math.floor(min / 60);
    if (hr < 48) return hr + " h " + (min % 60) + " min";
    return Math.floor(hr / 24) + " d " + (hr % 24) + " h";
  }

  function empty(title, text) {
    return h("div", { class: "empty" }, h("strong", { text: title }), text);
  }

  function replace(id, ...nodes) {
    $(id).replaceChildren(...nodes);
  }

  const breakerPill = {
    closed: "pill pill-green",
    "half-open": "pill pill-amber",
    open: "pill pill-red",
    isolated: "pill pill-red",
  };

  function renderHeader(st) {
    $("upstream").textContent = st.gateway.upstream;
    $("auth").textContent = st.gateway.authMode === "Managed" ? "managed" : "pass-through";
    $("uptime").textContent = duration(new Date(st.gateway.now) - new Date(st.gateway.startedAt));
    $("version").textContent = st.gateway.version ? "v" + st.gateway.version : "";

    const status = st.status;
    const pill = $("status-pill");
    let cls = "pill pill-muted";
    let text = "status page: off";
    if (status.enabled) {
      if (!status.known) {
        text = "status page: unknown";
      } else if (status.incident) {
        cls = "pill pill-red";
        text = "incident: " + status.incident.name;
      } else if (status.indicator === "none") {
        cls = "pill pill-green";
        text = "status page: operational";
      } else {
        cls = "pill pill-amber";
        text = "status page: " + (status.description || status.indicator);
      }
    }
    pill.className = cls;
    pill.textContent = text;
    pill.title = status.error ? "Status page: " + status.error : (status.description || "Status page");

    const banner = $("incident-banner");
    if (status.incident) {
      const parts = [h("strong", { text: "Active incident: " }), status.incident.name];
      if (status.incident.latestUpdate) parts.push(" — ", status.incident.latestUpdate);
      if (status.incident.link) parts.push(" ", h("a", { href: status.incident.link, rel: "noreferrer noopener", target: "_blank", text: "details" }));
      banner.replaceChildren(...parts);
      banner.hidden = false;
    } else {
      banner.hidden = true;
    }
  }

  function renderKpis(st) {
    const sum = (key) => st.series.reduce((a, p) => a + (p[key] || 0), 0);
    $("kpi-requests").textContent = n(sum("requests"));
    $("kpi-529").textContent = n(sum("overloaded"));
    $("kpi-429").textContent = n(sum("rateLimited"));
    $("kpi-fallbacks").textContent = n(sum("fallbacks"));
    $("kpi-failed").textContent = n(sum("failedRequests"));
    const b = st.budget;
    $("kpi-budget").textContent = n(b.retries) + " / " + n(b.firstAttempts);
    const allowed = Math.floor(b.minRetries + b.ratio * b.firstAttempts);
    $("kpi-budget-note").textContent = "retries / first attempts, sliding window · " + n(allowed) + " allowed";
    const j = st.jobs;
    $("kpi-jobs").textContent = j && j.open ? n(j.queued) : "0";
    $("kpi-jobs-note").textContent = !j || !j.enabled ? "deferral off"
      : !j.open ? "queued · none deferred yet"
      : "queued · " + n(j.inFlight) + " sending · " + n(j.succeeded) + " done · " + n(j.failed + j.expired) + " failed/expired";
  }

  function renderChart(st) {
    const box = $("chart");
    const width = Math.max(320, box.clientWidth || 900);
    const height = box.clientHeight || 220;
    const pad = { l: 40, r: 12, t: 10, b: 24 };
    const series = st.series;
    const count = series.length;
    const failures = (p) => p.overloaded + p.rateLimited + p.otherFailures + p.refused;
    let max = 0;
    for (const p of series) max = Math.max(max, failures(p), p.requests);
    const top = niceMax(max);
    const plotW = width - pad.l - pad.r;
    const plotH = height - pad.t - pad.b;
    const slot = plotW / count;
    const y = (v) => pad.t + plotH - (v / top) * plotH;

    const svg = s("svg", { viewBox: `0 0 ${width} ${height}`, preserveAspectRatio: "none" });
    for (let i = 0; i <= 4; i++) {
      const v = (top / 4) * i;
      const yy = y(v);
      svg.append(s("line", { class: "grid", x1: pad.l, x2: width - pad.r, y1: yy, y2: yy }));
      const label = s("text", { class: "axis", x: pad.l - 6, y: yy + 4, "text-anchor": "end" });
      label.textContent = Number.isInteger(v) ? String(v) : v.toFixed(1);
      svg.append(label);
    }

    // Requests as a line with a light area underneath, failures as stacked bars.
    let path = "";
    series.forEach((p, i) => {
      const x = pad.l + slot * i + slot / 2;
      path += (i === 0 ? "M" : "L") + x.toFixed(1) + "," + y(p.requests).toFixed(1);
    });
    if (max > 0) {
      const area = path + `L${(pad.l + slot * (count - 1) + slot / 2).toFixed(1)},${y(0)}L${(pad.l + slot / 2).toFixed(1)},${y(0)}Z`;
      svg.append(s("path", { class: "req-area", d: area }));
    }

    const barW = Math.max(2, slot * 0.62);
    series.forEach((p, i) => {
      const x = pad.l + slot * i + (slot - barW) / 2;
      let base = 0;
      for (const [key, cls] of [["overloaded", "b529"], ["rateLimited", "b429"], ["otherFailures", "bother"], ["refused", "brefused"]]) {
        const v = p[key];
        if (!v) continue;
        const rect = s("rect", { class: cls, x: x.toFixed(1), width: barW.toFixed(1), y: y(base + v).toFixed(1), height: Math.max(1, y(base) - y(base + v)).toFixed(1), rx: 1.5 });
        const tip = s("title");
        tip.textContent = `${time(p.at)} · ${v} ${key === "overloaded" ? "× 529" : key === "rateLimited" ? "× 429" : key === "refused" ? "refused locally" : "other failures"}`;
        rect.append(tip);
        svg.append(rect);
        base += v;
      }
    });
    if (max > 0) svg.append(s("path", { class: "req", d: path }));

    for (let i = 0; i < count; i += 12) {
      const x = pad.l + slot * i + slot / 2;
      const label = s("text", { class: "axis", x, y: height - 6, "text-anchor": "middle" });
      label.textContent = time(series[i].at).slice(0, 5);
      svg.append(label);
    }
    const nowLabel = s("text", { class: "axis", x: width - pad.r, y: height - 6, "text-anchor": "end" });
    nowLabel.textContent = "now";
    svg.append(nowLabel);

    if (max === 0) {
      const t = s("text", { class: "axis", x: pad.l + plotW / 2, y: pad.t + plotH / 2, "text-anchor": "middle" });
      t.textContent = "No traffic in the last 10 minutes";
      svg.append(t);
    }
    box.replaceChildren(svg);
  }

  function niceMax(v) {
    if (v <= 4) return 4;
    const mag = Math.pow(10, Math.floor(Math.log10(v)));
    for (const m of [1, 2, 2.5, 5, 10]) if (m * mag >= v) return m * mag;
    return 10 * mag;
  }

  // Widths go through the CSSOM: the page's Content-Security-Policy forbids inline style attributes.
  function meter(used) {
    const fill = h("i");
    fill.style.width = (used * 100).toFixed(0) + "%";
    return h("span", { class: "bar" + (used > 0.8 ? " hot" : "") }, fill);
  }

  function renderModels(st) {
    if (!st.models.length) {
      replace("models", empty("No models yet", "Per-model state appears after the first request through the gateway."));
      return;
    }
    const rows = st.models.map((m) => {
      const used = m.limit > 0 ? Math.min(1, m.inFlight / m.limit) : 0;
      return h("tr", { "data-model": m.model },
        h("td", { class: "model", text: m.model }),
        h("td", null, h("span", { class: breakerPill[m.breaker] || "pill pill-grey", "data-breaker": m.breaker, text: m.breaker })),
        h("td", null, meter(used), `${n(m.inFlight)} / ${n(m.limit)}`),
        h("td", { class: "num", text: n(m.queued) }),
        h("td", { class: "num", text: (m.throttleProbability * 100).toFixed(1) + " %" }),
        h("td", { class: m.fallsBackTo.length ? "" : "muted", text: m.fallsBackTo.length ? "→ " + m.fallsBackTo.join(" → ") : "none" }));
    });
    replace("models", h("table", null,
      h("thead", null, h("tr", null, h("th", { text: "Model" }), h("th", { text: "Breaker" }), h("th", { text: "In flight / limit" }), h("th", { class: "num", text: "Queued" }), h("th", { class: "num", text: "Throttle" }), h("th", { text: "Falls back to" }))),
      h("tbody", null, rows)));
  }

  function decisionPill(f) {
    switch (f.decision) {
      case "retried": return h("span", { class: "pill pill-grey", text: "retried" });
      case "fellBack": return h("span", { class: "pill pill-blue", text: "fell back → " + (f.fallbackModel || "?") });
      case "delivered": return h("span", { class: "pill pill-amber", text: "mid-stream" });
      default: return h("span", { class: "pill pill-red", text: "gave up" + (f.giveUp ? ": " + f.giveUp : "") });
    }
  }

  function renderFailures(st) {
    if (!st.failures.length) {
      replace("failures", empty("No failures", "Failed upstream attempts appear here with their request_id."));
      return;
    }
    const rows = st.failures.slice(0, 50).map((f) => h("tr", null,
      h("td", { class: "mono", text: time(f.at) }),
      h("td", { class: "model", text: f.model }),
      h("td", { class: "num", text: f.status === null ? "—" : f.status }),
      h("td", { text: f.errorType || f.kind, title: f.message || "" }),
      h("td", null, decisionPill(f)),
      h("td", null, f.requestId ? h("span", { class: "rid", text: f.requestId }) : h("span", { class: "muted", text: "none" }))));
    replace("failures", h("div", { class: "scroll" }, h("table", null,
      h("thead", null, h("tr", null, h("th", { text: "Time" }), h("th", { text: "Model" }), h("th", { class: "num", text: "Status" }), h("th", { text: "Error" }), h("th", { text: "Decision" }), h("th", { text: "request_id" }))),
      h("tbody", null, rows))));
  }

  function renderFallbacks(st) {
    if (!st.fallbacks.length) {
      replace("fallbacks", empty("No fallbacks", "Requests served by another model than the one asked for appear here."));
      return;
    }
    const rows = st.fallbacks.map((f) => h("tr", null,
      h("td", { class: "mono", text: time(f.at) }),
      h("td", null, h("span", { class: "model", text: f.from }), h("span", { class: "muted", text: " → " }), h("span", { class: "model", text: f.to })),
      h("td", null, f.requestId ? h("span", { class: "rid", text: f.requestId }) : h("span", { class: "muted", text: "none" }))));
    replace("fallbacks", h("div", { class: "scroll" }, h("table", null,
      h("thead", null, h("tr", null, h("th", { text: "Time" }), h("th", { text: "Asked → served" }), h("th", { text: "request_id" }))),
      h("tbody", null, rows))));
  }

  function renderEpisodes(st) {
    const ep = st.episodes;
    $("episodes-source").textContent = ep.source === "journal" ? "incident journal · last 24 h" : ep.source === "memory" ? "journal off · from memory" : "journal unreadable";
    if (ep.error) {
      replace("episodes", empty("Journal unavailable", ep.error));
      return;
    }
    if (!ep.items.length) {
      replace("episodes", empty("No incident episodes", "Bursts of failures are grouped here, with their request_ids and any matching status-page incident."));
      return;
    }
    const cards = ep.items.map((e) => {
      const chips = [];
      for (const [k, v] of Object.entries(e.byStatus)) chips.push(h("span", { class: "chip", text: (k === "none" ? "no response" : k) + " × " + v }));
      for (const [k, v] of Object.entries(e.byModel)) chips.push(h("span", { class: "chip", text: k + " × " + v }));
      const ids = e.requestIds.map((id) => h("span", { class: "rid", text: id }));
      if (e.moreRequestIds) ids.push(h("span", { class: "muted", text: "+" + e.moreRequestIds + " more (breakwater incidents)" }));
      return h("div", { class: "episode" + (e.gaveUp ? "" : " quiet") },
        h("div", { class: "episode-head" },
          h("span", { class: "episode-time", text: dateTime(e.first) + " → " + time(e.last) }),
          h("span", { class: "muted", text: `${n(e.count)} failed attempts · ${n(e.gaveUp)} reached callers · ${duration(new Date(e.last) - new Date(e.first))}` })),
        e.incident ? h("div", null, h("span", { class: "pill pill-red", text: "status page" }), " ", e.incident.link ? h("a", { href: e.incident.link, rel: "noreferrer noopener", target: "_blank", text: e.incident.name }) : e.incident.name) : null,
        h("div", { class: "chips" }, chips),
        ids.length ? h("div", { class: "ids" }, ids) : h("div", { class: "muted", text: "no request_ids (responses without one, such as a proxy's error page)" }));
    });
    replace("episodes", h("div", { class: "episodes" }, cards));
  }

  function setLive(ok, text) {
    const live = $("live");
    live.className = "live " + (ok ? "ok" : "err");
    $("live-text").textContent = text;
  }

  let last = null;
  async function poll() {
    try {
      const response = await fetch("/breakwater/state", { cache: "no-store", headers: { accept: "application/json" } });
      if (!response.ok) throw new Error("HTTP " + response.status);
      const st = await response.json();
      last = st;
      render(st);
      setLive(true, "live · " + time(st.gateway.now));
    } catch (e) {
      setLive(false, "disconnected");
    } finally {
      setTimeout(poll, POLL_MS);
    }
  }

  function render(st) {
    renderHeader(st);
    renderKpis(st);
    renderChart(st);
    renderModels(st);
    renderFailures(st);
    renderFallbacks(st);
    renderEpisodes(st);
    document.body.dataset.loaded = "true";
    document.body.dataset.polls = String(Number(document.body.dataset.polls || "0") + 1);
  }

  window.addEventListener("resize", () => { if (last) renderChart(last); });
  poll();
})();
