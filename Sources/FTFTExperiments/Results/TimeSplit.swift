import Foundation
import FTFTStore

/// Where one run's wall time went, from its ledger entry: training updates, evaluations, data preparation,
/// checkpoint writes, store writes, and the rest of the run's end-to-end wall time (bookkeeping between updates,
/// batch assembly). Seconds are summed over the processes that trained the run (see `PhaseTimes`).
///
/// Also the rates a cost prediction (`ftft plan`) needs: seconds per padded training token and per padded
/// evaluation token, and evaluation's share of the time.
public struct RunTimeSplit: Sendable, Equatable {
    public enum Part: String, CaseIterable, Sendable {
        case training
        case evaluation
        case dataPreparation = "data preparation"
        case checkpointing
        case storeWrites = "store writes"
        case other
    }

    public let seconds: [Part: Double]
    /// The run's end-to-end wall time: the sum of the parts.
    public let totalSeconds: Double
    public let trainingTokensWithPadding: Int64
    public let trainingTokensWithoutPadding: Int64
    public let evaluationTokensWithPadding: Int64
    public let evaluationTokensWithoutPadding: Int64

    /// nil for an entry recorded before the split was kept (no end-to-end time).
    public init?(_ entry: ComputeEntry) {
        guard let phase = entry.phaseWallSeconds, let evaluationPadded = entry.evaluationTokensWithPadding,
              let evaluationReal = entry.evaluationTokensWithoutPadding else { return nil }
        var parts: [Part: Double] = [
            .training: entry.trainingWallSeconds, .evaluation: entry.evaluationWallSeconds,
            .dataPreparation: entry.dataPreparationWallSeconds ?? 0, .checkpointing: entry.checkpointWallSeconds ?? 0,
            .storeWrites: entry.storeWriteWallSeconds ?? 0,
        ]
        // The parts are disjoint intervals inside the run's wall time; clock granularity aside, the rest is ≥ 0.
        parts[.other] = max(0, phase - parts.values.reduce(0, +))
        seconds = parts
        totalSeconds = parts.values.reduce(0, +)
        trainingTokensWithPadding = entry.tokensWithPadding
        trainingTokensWithoutPadding = entry.tokensWithoutPadding
        evaluationTokensWithPadding = evaluationPadded
        evaluationTokensWithoutPadding = evaluationReal
    }

    /// The sum of several runs' splits (an experiment's machine time); nil if any is nil or there are none.
    public init?(summing splits: [RunTimeSplit?]) {
        let all = splits.compactMap { $0 }
        guard !all.isEmpty, all.count == splits.count else { return nil }
        var parts: [Part: Double] = [:]
        for split in all { for (part, s) in split.seconds { parts[part, default: 0] += s } }
        seconds = parts
        totalSeconds = all.map(\.totalSeconds).reduce(0, +)
        trainingTokensWithPadding = all.map(\.trainingTokensWithPadding).reduce(0, +)
        trainingTokensWithoutPadding = all.map(\.trainingTokensWithoutPadding).reduce(0, +)
        evaluationTokensWithPadding = all.map(\.evaluationTokensWithPadding).reduce(0, +)
        evaluationTokensWithoutPadding = all.map(\.evaluationTokensWithoutPadding).reduce(0, +)
    }

    /// Fraction of the total in `part` (NaN for a run of zero seconds).
    public func share(_ part: Part) -> Double { totalSeconds > 0 ? (seconds[part] ?? 0) / totalSeconds : .nan }

    /// Padded token slots per real token in training batches (1 = no padding).
    public var trainingPaddingRatio: Double { ratio(trainingTokensWithPadding, trainingTokensWithoutPadding) }
    public var evaluationPaddingRatio: Double { ratio(evaluationTokensWithPadding, evaluationTokensWithoutPadding) }
    public var trainingSecondsPerPaddedToken: Double {
        ratio(seconds[.training] ?? 0, Double(trainingTokensWithPadding))
    }
    public var evaluationSecondsPerPaddedToken: Double {
        ratio(seconds[.evaluation] ?? 0, Double(evaluationTokensWithPadding))
    }

    private func ratio(_ a: Int64, _ b: Int64) -> Double { ratio(Double(a), Double(b)) }
    private func ratio(_ a: Double, _ b: Double) -> Double { b > 0 ? a / b : .nan }
}

/// One distinct run of an experiment (runs are shared between methods) with its ledger entry.
public struct RunLedger: Sendable {
    public var run: RunID
    public var model: String
    /// The methods (labels) and roles that use it.
    public var usedBy: [String]
    public var entry: ComputeEntry
    public var timeSplit: RunTimeSplit? { RunTimeSplit(entry) }
}

extension ExperimentResults {
    /// The machine time the table cost: the end-to-end wall time of its distinct runs (each counted once, summed
    /// over the processes that trained it), from the ledger. Runs recorded before the split was kept have no
    /// end-to-end time: then the sentence gives the sum of the others and says how many are missing.
    public var machineTimeLine: String {
        let splits = runs.map(\.timeSplit)
        let known = splits.compactMap { $0 }
        let hours = known.map(\.totalSeconds).reduce(0, +) / 3600
        var line = String(format: "Machine time: %.2f h of wall time over the %d distinct run%@", hours, known.count,
                          known.count == 1 ? "" : "s")
        if known.count < splits.count { line += " (\(splits.count - known.count) more recorded before the ledger kept it)" }
        return line + ", each counted once, summed over the processes that trained it (ledger)."
    }

    /// Per distinct run: where the time goes, the padding of training and evaluation batches, evaluation FLOPs per
    /// training FLOP; and the experiment's total (each run counted once).
    public func timeSplitTable() -> TextTable {
        func percent(_ split: RunTimeSplit?, _ part: RunTimeSplit.Part) -> String {
            split.map { String(format: "%.1f", 100 * $0.share(part)) } ?? "–"
        }
        func row(_ name: String, _ model: String, _ split: RunTimeSplit?, evaluationFLOPs: Int64, trainingFLOPs: Int64) -> [String] {
            var cells = [name, model, split.map { String(format: "%.1f", $0.totalSeconds) } ?? "–"]
            cells += RunTimeSplit.Part.allCases.map { percent(split, $0) }
            cells.append(split.map { String(format: "%.2f", $0.trainingPaddingRatio) } ?? "–")
            cells.append(split.map { String(format: "%.2f", $0.evaluationPaddingRatio) } ?? "–")
            cells.append(trainingFLOPs > 0 ? String(format: "%.2f", Double(evaluationFLOPs) / Double(trainingFLOPs)) : "–")
            return cells
        }
        var rows = runs.map { r in
            row("\(r.run) (\(r.usedBy.joined(separator: "; ")))", r.model, r.timeSplit,
                evaluationFLOPs: r.entry.countedEvaluationFLOPs, trainingFLOPs: r.entry.countedTrainingFLOPs)
        }
        rows.append(row("all runs", "", RunTimeSplit(summing: runs.map(\.timeSplit)),
                        evaluationFLOPs: runs.map(\.entry.countedEvaluationFLOPs).reduce(0, +),
                        trainingFLOPs: runs.map(\.entry.countedTrainingFLOPs).reduce(0, +)))
        var header = ["run", "model", "wall s"]
        header += RunTimeSplit.Part.allCases.map { "\($0.rawValue) %" }
        header += ["train padded/real", "eval padded/real", "eval/train FLOPs"]
        return TextTable(header: header, rows: rows, firstNumericColumn: 2)
    }
}
