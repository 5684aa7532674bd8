import Foundation
import FTFTExperiments

/// Renders pipeline events on stderr: one status line per training phase, rewritten in place (phase, seed,
/// step, loss, examples/s, ETA), and a line per finished, reused or selected phase. Silent when stderr is not a
/// terminal (logs and pipes stay clean), unless `verbose` asks for the per-phase lines anyway; notes (a run
/// resumed or retried) are always shown.
final class ProgressPrinter: @unchecked Sendable {
    let enabled: Bool
    let phaseLines: Bool
    private var lastDraw = 0.0
    private var lineOpen = false
    private let clock = ContinuousClock()
    private let start: ContinuousClock.Instant

    init(enabled: Bool = Standard.errorIsTerminal, phaseLines: Bool? = nil) {
        self.enabled = enabled
        self.phaseLines = phaseLines ?? enabled
        start = clock.now
    }

    private var now: Double {
        let d = clock.now - start
        return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }

    private func write(_ text: String, newline: Bool) {
        var out = lineOpen ? "\r\u{1B}[K" : ""
        out += text
        if newline { out += "\n" }
        FileHandle.standardError.write(Data(out.utf8))
        lineOpen = !newline
    }

    func handle(_ event: PipelineEvent) {
        switch event {
        case .step(let phase, let p):
            guard enabled else { return }
            let t = now
            guard t - lastDraw >= 0.2 || p.completedSteps == p.maxSteps else { return }
            lastDraw = t
            let seconds = p.trainingWallSeconds + p.evaluationWallSeconds
            let perStep = p.completedSteps > 0 ? seconds / Double(p.completedSteps) : 0
            let eta = perStep * Double(p.maxSteps - p.completedSteps)
            let rate = p.trainingWallSeconds > 0 ? Double(p.completedSteps * phase.batchSize) / p.trainingWallSeconds : 0
            write(String(format: "%@ (seed %llu): step %d/%d  loss %.4f  %.0f ex/s  ETA %@", phase.title, phase.seed,
                         p.completedSteps, p.maxSteps, p.meanLoss, rate, Self.duration(eta)), newline: false)
        case .phaseStarted(let phase, let run, let resumed):
            guard phaseLines else { return }
            let how = resumed.map { "resuming at step \($0)" } ?? "training"
            write("\(phase.title) (seed \(phase.seed)): \(how), \(phase.trainingExamples) examples, \(run)", newline: true)
        case .phaseReused(let phase, let run):
            guard phaseLines else { return }
            write("\(phase.title) (seed \(phase.seed)): reusing the finished \(run) from the store", newline: true)
        case .evaluated:
            return
        case .phaseFinished(let phase, _, let steps, let stoppedEarly, let seconds):
            guard phaseLines else { return }
            let stop = stoppedEarly ? ", stopped early" : ""
            write("\(phase.title) (seed \(phase.seed)): done, \(steps) steps\(stop), \(Self.duration(seconds)) training",
                  newline: true)
        case .selected(let title, let seed, let count, let pool):
            guard phaseLines else { return }
            write("\(title) (seed \(seed)): selected \(count) of \(pool) training examples", newline: true)
        case .note(let text):
            // Always shown, in logs too: notes say what people must know (e.g. that a run is resumed or retried).
            write(text, newline: true)
        }
    }

    func finish() {
        if lineOpen { write("", newline: true) }
    }

    static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "?" }
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%dh%02dm", s / 3600, (s % 3600) / 60)
            : s >= 60 ? String(format: "%dm%02ds", s / 60, s % 60) : "\(s)s"
    }
}
