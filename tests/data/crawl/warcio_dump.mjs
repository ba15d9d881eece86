// Reads a WARC file with warcio's WARCParser (the peer used by web archive replay tools) and
// prints, as JSON, what it sees in each record: type, target URI, ids, offset and length (as its
// CDX indexer reports them), the digests in the header and the SHA-1 digests warcio's bytes give,
// and, for HTTP records, the status and the payload after warcio undid chunking and gzip.
//
// usage: node warcio_dump.mjs NODE_MODULES_DIR WARC_FILE
import { createRequire } from "node:module";
import { createReadStream } from "node:fs";
import { createHash } from "node:crypto";
import path from "node:path";

const [nodeModules, file] = process.argv.slice(2);
const require = createRequire(path.join(nodeModules, "resolve-from-here.js"));
const { WARCParser } = require("warcio");

// RFC 4648 Base32, upper case, as WARC 1.1 5.8 labels SHA-1 digests.
function base32(bytes) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let out = "";
  let buffer = 0;
  let bits = 0;
  for (const b of bytes) {
    buffer = ((buffer << 8) | b) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(buffer >> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += alphabet[(buffer << (5 - bits)) & 31];
  while (out.length % 8 !== 0) out += "=";
  return out;
}

const sha1 = (bytes) => "sha1:" + base32(createHash("sha1").update(bytes).digest());

function afterHead(block) {
  for (let i = 0; i + 3 < block.length; ++i) {
    if (block[i] === 13 && block[i + 1] === 10 && block[i + 2] === 13 && block[i + 3] === 10) {
      return block.subarray(i + 4);
    }
  }
  return null;
}

// Raw pass: whole blocks, offsets and lengths.
const records = [];
const raw = new WARCParser(createReadStream(file), { parseHttp: false });
for await (const record of raw) {
  const block = await record.readFully(false);
  const headers = record.warcHeaders.headers;
  const isHttp = ["request", "response"].includes(record.warcType);
  const payload = isHttp ? afterHead(block) : record.warcType === "resource" ? block : null;
  records.push({
    type: record.warcType,
    uri: record.warcTargetURI ?? null,
    id: headers.get("WARC-Record-ID"),
    concurrentTo: headers.get("WARC-Concurrent-To") ?? null,
    warcinfoId: headers.get("WARC-Warcinfo-ID") ?? null,
    date: headers.get("WARC-Date"),
    offset: raw.offset,
    length: raw.recordLength,
    contentLength: record.warcContentLength,
    blockDigest: headers.get("WARC-Block-Digest") ?? null,
    payloadDigest: headers.get("WARC-Payload-Digest") ?? null,
    computedBlockDigest: sha1(block),
    computedPayloadDigest: payload ? sha1(payload) : null,
  });
}

// HTTP pass: what a replay tool gets out of each response.
let i = 0;
const parsed = new WARCParser(createReadStream(file));
for await (const record of parsed) {
  const entry = records[i++];
  if (record.httpHeaders) {
    entry.status = record.httpHeaders.statusCode ?? null;
    entry.content = Buffer.from(await record.readFully(true)).toString("latin1");
  }
}
process.stdout.write(JSON.stringify(records) + "\n");
