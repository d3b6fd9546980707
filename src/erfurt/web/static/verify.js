// Verifies a c2sp.org/tlog-proof@v1 receipt entirely in the browser: the checkpoint's
// Ed25519 signature by the given verifier key (WebCrypto), then the RFC 6962 inclusion
// proof of the receipt's record (SHA-256). Nothing is sent to the server. Then it says,
// as `erfurt verify --json` does, what the receipt proves, what is still trusted, and
// whose signatures on the checkpoint it did not check (a witness's, a timestamp authority's).
"use strict";

const HEADER = "c2sp.org/tlog-proof@v1";
const enc = new TextEncoder();

class ReceiptError extends Error {}

function fail(message) {
  throw new ReceiptError(message);
}

function b64(text, where) {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) {
    fail(`${where}: not base64`);
  }
  const raw = atob(text);
  // Only the canonical encoding: unused low bits before '=' must be zero.
  if (btoa(raw) !== text) fail(`${where}: not canonical base64`);
  return Uint8Array.from(raw, (c) => c.charCodeAt(0));
}

function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function equal(a, b) {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

async function sha256(...parts) {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", concat(...parts)));
}

function ascii(bytes, where) {
  if (bytes.some((b) => b > 0x7e || (b < 0x20 && b !== 0x0a))) fail(`${where}: not ASCII text`);
  return String.fromCharCode(...bytes);
}

// tlog-proof: header, optional "extra <b64>", "index <n>", proof hashes, blank line, note.
function parseProof(bytes) {
  const blank = bytes.findIndex((b, i) => b === 0x0a && bytes[i + 1] === 0x0a);
  if (blank < 0) fail("receipt: no blank line before the checkpoint");
  const lines = ascii(bytes.subarray(0, blank), "receipt").split("\n");
  if (lines[0] !== HEADER) fail(`receipt line 1: expected ${HEADER}`);
  let n = 1;
  let extra = null;
  if (lines[n] && lines[n].startsWith("extra ")) {
    extra = b64(lines[n].slice(6), "receipt line 2 (extra)");
    n += 1;
  }
  const index = /^index (0|[1-9][0-9]*)$/.exec(lines[n] || "");
  if (!index) fail(`receipt line ${n + 1}: expected 'index <n>'`);
  const proof = lines.slice(n + 1).map((line, i) => {
    const hash = b64(line, `receipt line ${n + 2 + i}`);
    if (hash.length !== 32) fail(`receipt line ${n + 2 + i}: a hash must be 32 bytes`);
    return hash;
  });
  return { index: BigInt(index[1]), proof, extra, note: bytes.subarray(blank + 2) };
}

function parseVkey(vkey) {
  // The key's base64 may itself hold '+': only the first two separate the parts.
  const text = vkey.trim();
  const first = text.indexOf("+");
  const second = text.indexOf("+", first + 1);
  if (first < 1 || second < 0) fail("verifier key: expected <name>+<key ID>+<key>");
  const [name, keyId, key] = [text.slice(0, first), text.slice(first + 1, second), text.slice(second + 1)];
  const raw = b64(key, "verifier key");
  if (raw.length !== 33 || raw[0] !== 1) fail("verifier key: not an Ed25519 key");
  if (!/^[0-9a-f]{8}$/.test(keyId)) fail("verifier key: bad key ID");
  return { name, keyId, publicKey: raw.subarray(1) };
}

async function openCheckpoint(note, vkey) {
  const split = note.findIndex((b, i) => b === 0x0a && note[i + 1] === 0x0a);
  if (split < 0) fail("checkpoint: no signature block");
  const body = note.subarray(0, split + 1);
  const text = new TextDecoder("utf-8", { fatal: true });
  const signatures = text.decode(note.subarray(split + 2));
  const key = parseVkey(vkey);
  const id = await sha256(enc.encode(key.name + "\n"), Uint8Array.of(1), key.publicKey);
  const hexId = Array.from(id.subarray(0, 4), (b) => b.toString(16).padStart(2, "0")).join("");
  if (hexId !== key.keyId) fail("verifier key: key ID does not match the key");
  const cryptoKey = await crypto.subtle.importKey("raw", key.publicKey, { name: "Ed25519" }, false, [
    "verify",
  ]);
  let signed = false;
  const signers = new Set();
  if (!signatures.endsWith("\n")) fail("checkpoint: signature block must end with a newline");
  for (const line of signatures.slice(0, -1).split("\n")) {
    const match = /^\u2014 (\S+) ([A-Za-z0-9+/=]+)$/.exec(line);
    if (!match) fail("checkpoint: malformed signature line");
    signers.add(match[1]);
    const sig = b64(match[2], "checkpoint signature");
    if (match[1] !== key.name || sig.length !== 68 || !equal(sig.subarray(0, 4), id.subarray(0, 4))) {
      continue;
    }
    if (await crypto.subtle.verify({ name: "Ed25519" }, cryptoKey, sig.subarray(4), body)) {
      signed = true;
    }
  }
  if (!signed) fail("checkpoint: no valid signature by this verifier key");
  const lines = text.decode(body).split("\n");
  if (lines.length < 4 || !/^(0|[1-9][0-9]*)$/.test(lines[1])) fail("checkpoint: malformed body");
  const rootHash = b64(lines[2], "checkpoint root hash");
  if (rootHash.length !== 32) fail("checkpoint: root hash must be 32 bytes");
  signers.delete(key.name);
  return { origin: lines[0], treeSize: BigInt(lines[1]), rootHash, keyName: key.name, unchecked: [...signers].sort() };
}

// RFC 9162 section 2.1.3.2: recompute the root from the leaf hash and the proof.
async function verifyInclusion(leaf, index, proof, treeSize, rootHash) {
  if (index >= treeSize) fail("inclusion proof: index beyond the tree");
  let fn = index;
  let sn = treeSize - 1n;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0n) fail("inclusion proof: too long");
    if ((fn & 1n) === 1n || fn === sn) {
      r = await sha256(Uint8Array.of(1), p, r);
      while ((fn & 1n) === 0n && fn !== 0n) {
        fn >>= 1n;
        sn >>= 1n;
      }
    } else {
      r = await sha256(Uint8Array.of(1), r, p);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  if (sn !== 0n || !equal(r, rootHash)) fail("inclusion proof: does not lead to the signed root");
}

async function verifyReceipt(bytes, vkey) {
  const receipt = parseProof(bytes);
  if (receipt.extra === null) fail("receipt: it carries no record (no 'extra' line)");
  const checkpoint = await openCheckpoint(receipt.note, vkey);
  const leaf = await sha256(Uint8Array.of(0), receipt.extra);
  await verifyInclusion(leaf, receipt.index, receipt.proof, checkpoint.treeSize, checkpoint.rootHash);
  const record = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(receipt.extra));
  return {
    index: receipt.index.toString(),
    treeSize: checkpoint.treeSize.toString(),
    origin: checkpoint.origin,
    keyName: checkpoint.keyName,
    unchecked: checkpoint.unchecked,
    record,
  };
}

// The answer: {ok: true, ...} or {ok: false, error}. Exposed for the browser tests.
async function checkReceipt(bytes, vkey) {
  try {
    return { ok: true, ...(await verifyReceipt(bytes, vkey)) };
  } catch (error) {
    return { ok: false, error: error instanceof ReceiptError ? error.message : `not a valid receipt (${error.name})` };
  }
}
window.erfurtCheckReceipt = checkReceipt;

// A sentence of the page's language (a data attribute) with its {placeholders} filled.
function sentence(words, name, values) {
  return words.dataset[name].replace(/\{(\w+)\}/g, (_, key) => String(values[key] ?? "\u2014"));
}

function fillList(id, lines) {
  const list = document.getElementById(id);
  list.replaceChildren(...lines.map((line) => Object.assign(document.createElement("li"), { textContent: line })));
  list.parentElement.hidden = lines.length === 0;
}

// The assurance lists, like `erfurt verify`'s "proved" and "trusted", for a verified receipt.
function showAssurance(answer) {
  const words = document.getElementById("assurance");
  const values = {
    index: answer.index,
    kind: answer.record.kind,
    origin: answer.origin,
    size: answer.treeSize,
    key: answer.keyName,
    time: answer.record.time,
  };
  fillList("assurance-proved", [sentence(words, "inLog", values)]);
  fillList(
    "assurance-trusted",
    ["when", "view", "key", "true"].map((name) => sentence(words, name, values)),
  );
  fillList("assurance-unchecked", answer.unchecked);
  words.hidden = false;
}

document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("verify-form");
  if (!form) return;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const file = document.getElementById("receipt-file").files[0];
    const out = document.getElementById("verify-result");
    if (!file) return;
    document.getElementById("assurance").hidden = true;
    const answer = await checkReceipt(new Uint8Array(await file.arrayBuffer()), document.getElementById("vkey").value);
    out.className = answer.ok ? "verified" : "error";
    out.textContent = answer.ok
      ? `${form.dataset.ok} #${answer.index} (${answer.origin}, ${answer.treeSize}): ${answer.record.kind} ${answer.record.time || ""}`
      : `${form.dataset.failed}: ${answer.error}`;
    if (answer.ok) showAssurance(answer);
  });
});
