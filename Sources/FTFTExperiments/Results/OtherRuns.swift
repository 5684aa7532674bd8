import Foundation
import FTFTData
import FTFTStore

/// A finished main run in the store that the current experiment file does not use — e.g. an earlier `ftft train`
/// into the same folder with other settings, or a method since removed from the file. Reports list each such
/// run configuration as its own row, so no run the store holds disappears from view.
public struct OtherRun: Sendable {
    public var run: Run
    /// What distinguishes it: its configuration's differences from the closest run the experiment does use.
    public var difference: String
    public var reported: CheckpointResult
    public var steps: Int

    /// The finished main-role runs of `store` that no manifest entry names.
    static func load(store: RunStore, manifest: ExperimentManifest, task: TaskDefinition) throws -> [OtherRun] {
        var used = Set<Int64>()
        for e in manifest.entries {
            used.formUnion([e.mainRun, e.unitRun] + [e.referenceRun, e.postHocRun].compactMap { $0 })
        }
        let runs = try store.runs()
        let known = runs.filter { used.contains($0.id.rawValue) && $0.role == .main }
        var others: [OtherRun] = []
        for run in runs where run.status == .finished && run.role == .main && !used.contains(run.id.rawValue) {
            let checkpoints = try RunResults.checkpoints(store: store, run: run.id, task: task)
            let earlyStopped = run.method == .ermES || run.method == .ftft
            guard let reported = RunResults.reported(checkpoints, earlyStopped: earlyStopped) else { continue }
            let steps = (try? RunResults.compute(store: store, run: run.id).steps) ?? reported.step
            others.append(OtherRun(run: run, difference: difference(run, from: known), reported: reported, steps: steps))
        }
        return others
    }

    /// "learning_rate 0.0003, max_steps 60" — the leaves of the configuration JSON that differ from the closest
    /// known run's (fewest differences; at most four shown).
    static func difference(_ run: Run, from known: [Run]) -> String {
        let mine = flatten(run.configurationJSON)
        let ranked = known.map { other -> [String] in
            let theirs = flatten(other.configurationJSON)
            return Set(mine.keys).union(theirs.keys).sorted().filter { mine[$0] != theirs[$0] }
        }.sorted { $0.count < $1.count }
        guard let keys = ranked.first else { return "(no run of the experiment file to compare with)" }
        let shown = keys.prefix(4).map { key in "\(key.split(separator: ".").last.map(String.init) ?? key) \(mine[key] ?? "none")" }
        return shown.joined(separator: ", ") + (keys.count > 4 ? ", …" : "")
    }

    /// Leaf values of a JSON document by dotted path.
    static func flatten(_ json: String) -> [String: String] {
        guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) else { return [:] }
        var leaves: [String: String] = [:]
        func walk(_ value: Any, _ path: String) {
            switch value {
            case let map as [String: Any]: for (k, v) in map { walk(v, path.isEmpty ? k : "\(path).\(k)") }
            case let list as [Any]: for (i, v) in list.enumerated() { walk(v, "\(path)[\(i)]") }
            default: leaves[path] = "\(value)"
            }
        }
        walk(object, "")
        return leaves
    }
}

extension ExperimentResults {
    /// One row per run the experiment file does not use (see `OtherRun`).
    public func otherRunsTable() -> TextTable {
        var header = ["run", "method", "model", "seed", "differs in", "ID \(validationName) \(MetricName.short(task.validation.metric.rawValue))"]
        header += ["OOD avg \(MetricName.short(task.metric.rawValue))", "steps"]
        let rows = otherRuns.map { o -> [String] in
            ["\(o.run.id.rawValue)", o.run.method.rawValue, o.run.model, "\(o.run.seed)", o.difference,
             TableFormat.percent(o.reported.dev[validationName]), TableFormat.percent(oodAverage(o.reported)), "\(o.steps)"]
        }
        return TextTable(header: header, rows: rows, firstNumericColumn: 5)
    }
}
