// The real peer for corofetch's HdrHistogram interval logs: hdr-histogram-js (npm 3.0.1), used
// by tests/integration/load/hdr_log_peer_test.cpp.
//   node hdr_peer.js NODE_MODULES read LOG   reads LOG with HistogramLogReader
//   node hdr_peer.js NODE_MODULES write LOG  writes LOG with HistogramLogWriter
// Both print JSON: each interval's tag, start and end (ms) and statistics, and the sum of the
// untagged intervals, computed by hdr-histogram-js itself.
"use strict";
const fs = require("fs");
const path = require("path");

const [modules, command, logPath] = process.argv.slice(2);
const hdr = require(path.join(modules, "hdr-histogram-js"));

const layout = {
  lowestDiscernibleValue: 1,
  highestTrackableValue: 3600000000,
  numberOfSignificantValueDigits: 3,
  autoResize: false,
  bitBucketSize: 64,
};
const percentiles = [0, 50, 90, 99, 99.9, 99.99, 100];

function stats(h) {
  return {
    total: h.totalCount,
    max: h.totalCount === 0 ? 0 : h.highestEquivalentValue(h.maxValue),
    mean: h.mean,
    stdev: h.stdDeviation,
    percentiles: percentiles.map((p) => h.getValueAtPercentile(p)),
  };
}

function describe(h, tag) {
  return Object.assign(
    { tag, start_ms: h.startTimeStampMsec, end_ms: h.endTimeStampMsec },
    stats(h));
}

function read() {
  const reader = new hdr.HistogramLogReader(fs.readFileSync(logPath, "utf8"));
  const sum = hdr.build(layout);
  const intervals = [];
  for (let h = reader.nextIntervalHistogram(); h !== null; h = reader.nextIntervalHistogram()) {
    const tag = h.tag === "NO TAG" ? "" : h.tag;
    intervals.push(describe(h, tag));
    if (tag === "") sum.add(h);
  }
  return { intervals, sum: stats(sum) };
}

// A small deterministic generator (Park-Miller), so that runs are reproducible.
function lcg(seed) {
  let state = seed;
  return () => {
    state = (state * 48271) % 2147483647;
    return state / 2147483647;
  };
}

function write() {
  let text = "";
  const writer = new hdr.HistogramLogWriter((s) => { text += s; });
  writer.outputLogFormatVersion();
  writer.outputStartTime(1700000000000);
  writer.outputLegend();
  const random = lcg(12345);
  const sum = hdr.build(layout);
  const intervals = [];
  for (let i = 0; i < 5; i++) {
    const h = hdr.build(layout);
    for (let k = 0; k < 2000 * (i + 1); k++) {
      // Log-uniform from 1 us to about 1 s, and a few stalls of seconds.
      const v = random() < 0.002 ? 2000000 + random() * 3000000 : Math.exp(random() * 14);
      h.recordValue(Math.floor(v));
    }
    writer.outputIntervalHistogram(h, i, i + 1, 1000);
    intervals.push(Object.assign({ tag: "", start_ms: 1700000000000 + i * 1000,
                                   end_ms: 1700000000000 + (i + 1) * 1000 }, stats(h)));
    sum.add(h);
  }
  // hdr-histogram-js's default histogram: auto-resizing, so its highest trackable value is what
  // its values needed.
  const auto = hdr.build();
  for (let k = 0; k < 1000; k++) auto.recordValue(Math.floor(random() * 100000));
  auto.tag = "auto";
  writer.outputIntervalHistogram(auto, 5, 6, 1000);
  intervals.push(Object.assign({ tag: "auto", start_ms: 1700000005000,
                                 end_ms: 1700000006000 }, stats(auto)));
  fs.writeFileSync(logPath, text);
  return { intervals, sum: stats(sum) };
}

const out = command === "write" ? write() : read();
process.stdout.write(JSON.stringify(out) + "\n");
