// The staff page: the feed live (server-sent events), filters, and what waits on whom.
// The token is asked for once and kept in sessionStorage (this tab only); it only ever
// travels in the Authorization header. EventSource cannot send headers, so the stream and
// the text digest are opened with a one-minute ticket (POST /stream-tickets), a new one
// for each connection: a token never goes into a URL.
"use strict";

const TOKEN_KEY = "staffFeedToken";
const PAGE_SIZE = 50;

const state = {
  token: sessionStorage.getItem(TOKEN_KEY),
  newestSeq: 0,          // the stream resumes after this entry
  nextCursor: null,      // older entries
  stream: null,
  shownOwner: null,      // the organisation whose waiting items are open
  names: {},             // organisation code -> display name
};

const $ = (id) => document.getElementById(id);

class Unauthorised extends Error {}

async function api(path, params = {}, method = "GET") {
  const query = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== "" && v != null));
  const response = await fetch(`${path}?${query}`, {
    method, headers: { Authorization: `Bearer ${state.token}` },
  });
  if (response.status === 401) throw new Unauthorised();
  if (!response.ok) throw new Error((await response.json()).error.message);
  return response.json();
}

// A URL for a GET that cannot carry the header, with a fresh ticket in place of the token.
async function ticketed(path, params) {
  const { ticket } = await api("/stream-tickets", {}, "POST");
  return `${path}?${new URLSearchParams({ ...params, ticket })}`;
}

// "Waiting on" shows what waits on that organisation now (its digest's items), not
// entries that once named it; so while it is set, every arrival reloads the list, since
// an arrival may clear a wait as well as add one.
function filters() {
  return { meeting_id: $("filter-meeting").value, waiting_on: $("filter-owner").value };
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text != null) node.textContent = text;
  return node;
}

function when(iso) {
  const moment = new Date(iso);
  return moment.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

function nameOf(code) {
  return state.names[code] || code;
}

function capitalised(text) {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

// The feed

function entryItem(entry, arriving) {
  const item = element("li", "entry");
  item.dataset.seq = entry.seq;
  item.dataset.type = entry.type;
  item.dataset.owner = entry.owner || "";
  if (entry.owner) item.classList.add("waiting");
  if (entry.late) item.classList.add("late");
  if (arriving) item.classList.add("new");
  item.append(element("p", "summary", entry.summary));
  const meta = element("div", "meta");
  const time = element("time", null, when(entry.at));
  time.dateTime = entry.at;
  meta.append(time);
  if (entry.late) meta.append(element("span", "tag late", "Late"));
  if (entry.meeting_code) meta.append(element("span", "tag meeting", entry.meeting_code));
  meta.append(element("span", "tag type", entry.type.replaceAll("_", " ")));
  if (entry.owner) meta.append(element("span", "tag owner", `waiting on ${nameOf(entry.owner)}`));
  item.append(meta);
  return item;
}

function showEmptiness() {
  $("feed-empty").hidden = $("entries").children.length > 0;
  $("older").hidden = !state.nextCursor;
}

async function loadFeed() {
  const page = await api("/feed", { ...filters(), limit: PAGE_SIZE });
  $("entries").replaceChildren(...page.items.map((entry) => entryItem(entry, false)));
  // Never back: with "Waiting on" set the list holds older entries than the stream has
  // sent, and resuming from them would replay (and reload for) what was already seen.
  state.newestSeq = Math.max(state.newestSeq, page.items.length ? page.items[0].seq : 0);
  state.nextCursor = page.next_cursor;
  showEmptiness();
}

async function loadOlder() {
  const page = await api("/feed", { ...filters(), limit: PAGE_SIZE, cursor: state.nextCursor });
  $("entries").append(...page.items.map((entry) => entryItem(entry, false)));
  state.nextCursor = page.next_cursor;
  showEmptiness();
}

function setConnection(stateName, label) {
  $("connection").dataset.state = stateName;
  $("connection").textContent = label;
}

// A ticket opens one connection; EventSource's own reconnection would reuse the expired
// one, so on an error the stream is closed and opened again with a new ticket.
let reconnectTimer = null;

async function openStream() {
  if (state.stream) state.stream.close();
  clearTimeout(reconnectTimer);
  const params = { last_event_id: state.newestSeq };
  const meeting = filters().meeting_id;
  if (meeting) params.meeting_id = meeting;
  const stream = new EventSource(await ticketed("/feed/stream", params));
  stream.onopen = () => setConnection("live", "Live");
  stream.onerror = () => {
    stream.close();
    setConnection("retrying", "Reconnecting…");
    reconnectTimer = setTimeout(() => openStream().catch(failed), 2000);
  };
  stream.onmessage = (message) => arrive(JSON.parse(message.data));
  state.stream = stream;
}

let feedTimer = null;

function arrive(entry) {
  if (entry.seq <= state.newestSeq) return;
  state.newestSeq = entry.seq;
  if (filters().waiting_on) {
    clearTimeout(feedTimer);
    feedTimer = setTimeout(() => loadFeed().catch(failed), 200);
  } else {
    $("entries").prepend(entryItem(entry, true));
  }
  showEmptiness();
  if (entry.type === "meeting_scheduled") addMeeting(entry);
  refreshWaitingSoon();
}

// Filters

function addMeeting(entry) {
  const select = $("filter-meeting");
  if (!entry.meeting_id || [...select.options].some((o) => o.value === entry.meeting_id)) return;
  select.append(option(entry.meeting_id, entry.meeting_code || entry.meeting_id));
}

function option(value, label) {
  const node = element("option", null, label);
  node.value = value;
  return node;
}

async function loadFilters(organisations) {
  $("filter-owner").replaceChildren(option("", "Anyone"),
    ...organisations.map((organisation) =>
      option(organisation.owner, capitalised(organisation.owner_name))));
  $("filter-meeting").replaceChildren(option("", "All meetings"));
  const scheduled = await api("/feed", { type: "meeting_scheduled", limit: 500 });
  scheduled.items.reverse().forEach(addMeeting);
}

async function filtersChanged() {
  await loadFeed();
  await openStream();
}

// What waits on whom

let waitingTimer = null;

function refreshWaitingSoon() {
  clearTimeout(waitingTimer);
  waitingTimer = setTimeout(() => loadWaiting().catch(failed), 400);
}

function countBadge(number, late) {
  return element("span", late ? "count late" : "count", String(number));
}

async function loadWaiting() {
  const overview = await api("/waiting");
  const list = overview.organisations.map((organisation) => {
    state.names[organisation.owner] = organisation.owner_name;
    const button = element("button");
    button.type = "button";
    button.dataset.owner = organisation.owner;
    button.setAttribute("aria-pressed", String(organisation.owner === state.shownOwner));
    const name = element("span", "name", capitalised(organisation.owner_name));
    if (!organisation.waiting) name.classList.add("zero");
    const counts = element("span", "counts");
    if (organisation.late) counts.append(countBadge(`${organisation.late} late`, true));
    counts.append(countBadge(organisation.waiting, false));
    button.append(name, counts);
    button.addEventListener("click", () => showDigest(organisation.owner).catch(failed));
    const item = element("li");
    item.append(button);
    return item;
  });
  $("waiting-list").replaceChildren(...list);
  if (state.shownOwner) await showDigest(state.shownOwner);
  return overview.organisations;
}

async function showDigest(owner) {
  state.shownOwner = owner;
  for (const button of $("waiting-list").querySelectorAll("button")) {
    button.setAttribute("aria-pressed", String(button.dataset.owner === owner));
  }
  const digest = await api("/digest", { owner });
  $("digest-title").textContent = `${capitalised(digest.owner_name)}: ${digest.waiting} waiting`;
  const items = digest.items.map((item) => {
    const row = element("li", item.late ? "late" : null, item.summary);
    const days = { 0: "since today", 1: "for 1 day" }[item.days_waiting]
      || `for ${item.days_waiting} days`;
    row.append(element("span", "age", `${item.late ? "Late · " : ""}waiting ${days}`));
    return row;
  });
  if (!items.length) items.push(element("li", null, "Nothing is waiting on them."));
  $("digest-items").replaceChildren(...items);
  $("digest").hidden = false;
}

// Token and start

function askForToken(message) {
  if (state.stream) state.stream.close();
  setConnection("off", "Not connected");
  $("app").hidden = true;
  $("token-panel").hidden = false;
  $("token-error").hidden = !message;
  $("token-error").textContent = message || "";
  $("token-input").focus();
}

function failed(error) {
  if (error instanceof Unauthorised) {
    sessionStorage.removeItem(TOKEN_KEY);
    askForToken("That token was not accepted. Check it and try again.");
  } else {
    setConnection("retrying", `Problem: ${error.message}`);
  }
}

async function start() {
  $("token-panel").hidden = true;
  $("app").hidden = false;
  const organisations = await loadWaiting();
  await loadFilters(organisations);
  await loadFeed();
  await openStream();
}

document.addEventListener("DOMContentLoaded", () => {
  $("token-form").addEventListener("submit", (event) => {
    event.preventDefault();
    state.token = $("token-input").value.trim();
    sessionStorage.setItem(TOKEN_KEY, state.token);
    start().catch(failed);
  });
  $("change-token").addEventListener("click", () => {
    sessionStorage.removeItem(TOKEN_KEY);
    askForToken();
  });
  $("filter-meeting").addEventListener("change", () => filtersChanged().catch(failed));
  $("filter-owner").addEventListener("change", () => filtersChanged().catch(failed));
  $("older").addEventListener("click", () => loadOlder().catch(failed));
  $("digest-text").addEventListener("click", (event) => {
    event.preventDefault();
    const tab = window.open("", "_blank");  // now, while the click still allows it
    ticketed("/digest.txt", { owner: state.shownOwner })
      .then((url) => { tab.location = url; })
      .catch((error) => { tab.close(); failed(error); });
  });
  if (state.token) start().catch(failed); else askForToken();
});
