import Foundation
import FTFTExperiments
import FTFTStore

/// Wall time and peak resident memory of each training phase of a pipeline run, measured from the pipeline's own
/// events: at `phaseStarted` the kernel's peak-RSS mark is reset (writing "5" to /proc/self/clear_refs, Linux ≥
/// 4.0, which sets the mark to the current RSS), at `phaseFinished` the mark is read (VmHWM in /proc/self/status).
/// So a phase's figure is the process's largest resident set during that phase's training and evaluations, memory
/// still held from earlier phases included.
final class PhaseMeter: @unchecked Sendable {
    struct Phase: Sendable {
        var title: String
        var run: RunID
        var model: String
        var role: RunRole
        var wallSeconds: Double
        var peakResidentBytes: Int
        var steps: Int
        var stoppedEarly: Bool
    }

    private let lock = NSLock()
    private var started: [String: (ContinuousClock.Instant, RunID)] = [:]
    private(set) var phases: [Phase] = []
    private(set) var reused: [String] = []
    /// False when the peak mark cannot be reset (no /proc/self/clear_refs): peaks are then process-wide so far.
    private(set) var resetsPeak = true

    func handle(_ event: PipelineEvent) {
        lock.lock(); defer { lock.unlock() }
        switch event {
        case .phaseStarted(let phase, let run, _):
            resetsPeak = resetsPeak && Self.resetPeak()
            started[key(phase)] = (ContinuousClock.now, run)
        case .phaseFinished(let phase, let run, let steps, let stoppedEarly, _):
            let start = started.removeValue(forKey: key(phase))?.0 ?? ContinuousClock.now
            phases.append(Phase(title: phase.title, run: run, model: phase.model, role: phase.role,
                                wallSeconds: (ContinuousClock.now - start) / .seconds(1),
                                peakResidentBytes: Self.status("VmHWM") ?? 0, steps: steps, stoppedEarly: stoppedEarly))
        case .phaseReused(let phase, _):
            reused.append(phase.title)
        default:
            break
        }
    }

    private func key(_ phase: PhaseDescription) -> String { "\(phase.title)/\(phase.seed)/\(phase.role.rawValue)" }

    static func resetPeak() -> Bool {
        guard let handle = FileHandle(forWritingAtPath: "/proc/self/clear_refs") else { return false }
        defer { try? handle.close() }
        return (try? handle.write(contentsOf: Data("5".utf8))) != nil
    }

    /// A `kB` field of /proc/self/status in bytes (VmHWM: peak RSS, VmRSS: current).
    static func status(_ field: String) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix(field + ":") }),
              let kilobytes = line.split(separator: " ").dropFirst().first.flatMap({ Int($0) }) else { return nil }
        return kilobytes * 1024
    }
}
