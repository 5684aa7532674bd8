import Foundation

// The regression gate shared by the benchmark suites (Kernels, DataPath, PipelineCost).
//
// package-benchmark times and prints; this file decides. A suite records one value per sample for each metric it
// wants judged (a ratio measured in the same process, or a counted quantity), and the benchmark's teardown calls
// `finish`, which takes the median of the samples and compares it with the bound committed in
// Benchmarks/thresholds.json. A value outside its bound throws, so the benchmark — and with it
// `swift package benchmark` — fails with a message naming the suite, benchmark, metric, value and bound.
//
// Why medians of same-process ratios: absolute times on the shared 2-core machine vary by ±10–25 % from one pass
// to the next (docs/perf-anchors.md), but a kernel and its yardstick timed back to back see the same load, so
// their ratio varies much less. Counted quantities (FLOPs, rows, bytes per row) do not vary at all.
//
// The gate is strict, always: a bounds file that cannot be read, a gated metric without a committed bound, and a
// committed bound of a benchmark that ran but never recorded that metric each fail the benchmark. (A bound that
// no run judges is a check that cannot fail.)
//
// Environment:
//   FTFT_BENCH_THRESHOLDS  another bounds file (default: Benchmarks/thresholds.json of this checkout)
//   FTFT_BENCH_RESULTS     append one JSON line per judged or reported metric to this file (the nightly report)
//   FTFT_BENCH_QUICK=1     suites use fewer samples and skip their slowest cases

/// A committed bound on one metric's median: `min` ≤ median ≤ `max` (either may be absent), and why.
public struct MetricBound: Codable, Sendable, Equatable {
    public var min: Double?
    public var max: Double?
    public var why: String?
}

/// The bounds file: `bounds["<suite>/<benchmark>"]["<metric>"]`.
public struct BoundsFile: Codable, Sendable {
    public var about: [String]?
    public var bounds: [String: [String: MetricBound]]
}

public struct GateFailure: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Collects samples per (benchmark, metric) and judges them. One per suite; thread-safe.
public final class BenchmarkGate: @unchecked Sendable {
    public let suite: String
    private let lock = NSLock()
    private var samples: [String: [String: [Double]]] = [:]
    private var gated: [String: Set<String>] = [:]
    private var units: [String: [String: String]] = [:]
    private var notes: [String: [String: String]] = [:]
    private let bounds: [String: [String: MetricBound]]
    private let boundsPath: String
    /// Why the bounds file could not be used (nil when it was read); every `finish` then fails.
    private let boundsProblem: String?

    public init(suite: String) {
        self.suite = suite
        let environment = ProcessInfo.processInfo.environment
        boundsPath = environment["FTFT_BENCH_THRESHOLDS"] ?? BenchmarkPaths.benchmarks.appendingPathComponent("thresholds.json").path
        (bounds, boundsProblem) = Self.loadBounds(boundsPath)
    }

    static func loadBounds(_ path: String) -> ([String: [String: MetricBound]], String?) {
        guard let data = FileManager.default.contents(atPath: path) else {
            return ([:], "the bounds file \(path) does not exist or cannot be read")
        }
        do {
            return (try JSONDecoder().decode(BoundsFile.self, from: data).bounds, nil)
        } catch {
            return ([:], "the bounds file \(path) is not a bounds file: \(error)")
        }
    }

    public static var isQuick: Bool { ProcessInfo.processInfo.environment["FTFT_BENCH_QUICK"] == "1" }

    /// Records one sample. `gated` metrics must have a committed bound and are judged by `finish`; the others
    /// are only reported.
    public func record(_ benchmark: String, _ metric: String, _ value: Double, unit: String = "", gated: Bool = true) {
        lock.lock(); defer { lock.unlock() }
        samples[benchmark, default: [:]][metric, default: []].append(value)
        units[benchmark, default: [:]][metric] = unit
        if gated { self.gated[benchmark, default: []].insert(metric) }
    }

    /// A free-text note reported with the benchmark's results (e.g. which corpus was used).
    public func note(_ benchmark: String, _ key: String, _ value: String) {
        lock.lock(); defer { lock.unlock() }
        notes[benchmark, default: [:]][key] = value
    }

    /// Runs `body` (a benchmark's setup, measurement or teardown) and turns any error into a failed run: the
    /// error is printed, written to the results file, and the benchmark's process exits with status 1.
    ///
    /// Why exit: package-benchmark (1.38) reports an error thrown by a benchmark, its setup or its teardown but
    /// still exits 0 from a plain `swift package benchmark` run. It runs every benchmark in its own process and
    /// counts a process that exits non-zero as a failed job, which makes the whole run exit non-zero after the
    /// remaining benchmarks have run — so a validation failure or a bound violation fails the run, as it must.
    public func guarding(_ benchmark: String, _ phase: String, _ body: () throws -> Void) {
        do {
            try body()
        } catch {
            let message = "FAILED \(suite)/\(benchmark) (\(phase)): \(error)"
            print(message)
            FileHandle.standardError.write(Data((message + "\n").utf8))
            try? ResultsFile.append([[
                "suite": suite, "benchmark": benchmark, "metric": phase, "verdict": "FAIL", "error": "\(error)",
                "load_average": Machine.loadAverage(),
            ]])
            exit(1)
        }
    }

    /// Median of the samples so far (nil if none).
    public func median(_ benchmark: String, _ metric: String) -> Double? {
        lock.lock(); defer { lock.unlock() }
        return samples[benchmark]?[metric].map(Statistics.median)
    }

    /// Judges every metric recorded for `benchmark`, writes the results line(s), and throws if the bounds file
    /// could not be read, a median is out of its bound, a gated metric has no bound, or a bound of this benchmark
    /// names a metric it never recorded. Call it from the benchmark's teardown.
    public func finish(_ benchmark: String) throws {
        lock.lock()
        let recorded = samples.removeValue(forKey: benchmark) ?? [:]
        let judged = gated.removeValue(forKey: benchmark) ?? []
        let metricUnits = units.removeValue(forKey: benchmark) ?? [:]
        let benchmarkNotes = notes.removeValue(forKey: benchmark) ?? [:]
        lock.unlock()
        let key = "\(suite)/\(benchmark)"
        var failures: [String] = boundsProblem.map { [$0] } ?? []
        var lines: [[String: Any]] = []
        for metric in (bounds[key] ?? [:]).keys.sorted() where recorded[metric] == nil || !judged.contains(metric) {
            failures.append("\(key): the bound on \(metric) in \(boundsPath) judged nothing (the benchmark did not record it as a gated metric)")
        }
        for (metric, values) in recorded.sorted(by: { $0.key < $1.key }) {
            let median = Statistics.median(values)
            let bound = bounds[key]?[metric]
            var verdict = "reported"
            if judged.contains(metric) {
                if let bound {
                    let low = bound.min.map { median >= $0 } ?? true
                    let high = bound.max.map { median <= $0 } ?? true
                    verdict = low && high ? "pass" : "FAIL"
                    if verdict == "FAIL" {
                        failures.append("\(key): \(metric) median \(Statistics.format(median)) is outside "
                                        + "[\(bound.min.map(Statistics.format) ?? "−∞"), \(bound.max.map(Statistics.format) ?? "∞")]"
                                        + " (\(values.count) samples; bound in \(boundsPath)\(bound.why.map { ": " + $0 } ?? ""))")
                    }
                } else {
                    verdict = "FAIL"
                    failures.append("\(key): \(metric) (median \(Statistics.format(median))) has no committed bound in \(boundsPath)")
                }
            }
            var line: [String: Any] = [
                "suite": suite, "benchmark": benchmark, "metric": metric, "unit": metricUnits[metric] ?? "",
                "median": median, "min": values.min() ?? median, "max": values.max() ?? median, "samples": values.count,
                "verdict": verdict, "load_average": Machine.loadAverage(),
            ]
            if let bound {
                line["bound"] = ["min": bound.min as Any, "max": bound.max as Any].compactMapValues { $0 }
            }
            if !benchmarkNotes.isEmpty { line["notes"] = benchmarkNotes }
            lines.append(line)
            print("[gate] \(key) · \(metric): median \(Statistics.format(median)) \(metricUnits[metric] ?? "") [\(verdict)]")
        }
        try ResultsFile.append(lines)
        if !failures.isEmpty { throw GateFailure(failures.joined(separator: "\n")) }
    }
}

/// The JSON-lines results file named by FTFT_BENCH_RESULTS (nothing is written when it is unset).
public enum ResultsFile {
    private static let lock = NSLock()

    public static func append(_ lines: [[String: Any]]) throws {
        guard let path = ProcessInfo.processInfo.environment["FTFT_BENCH_RESULTS"], !path.isEmpty, !lines.isEmpty else { return }
        var bytes = Data()
        for line in lines {
            bytes.append(try JSONSerialization.data(withJSONObject: line, options: [.sortedKeys]))
            bytes.append(0x0A)
        }
        lock.lock(); defer { lock.unlock() }
        if !FileManager.default.fileExists(atPath: path) {
            guard FileManager.default.createFile(atPath: path, contents: nil) else {
                throw GateFailure("cannot create the results file \(path)")
            }
        }
        guard let handle = FileHandle(forWritingAtPath: path) else { throw GateFailure("cannot open the results file \(path)") }
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: bytes)
    }
}

/// Paths inside this checkout, from this source file's location (valid wherever the build folder is).
public enum BenchmarkPaths {
    /// …/Benchmarks/Support/BenchmarkGate.swift → …/Benchmarks
    public static var benchmarks: URL { URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent() }
    public static var packageRoot: URL { benchmarks.deletingLastPathComponent() }
}
