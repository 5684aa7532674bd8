import Foundation
import FTFTIO

/// An experiment as loaded (paths absolute, defaults filled in), as JSON: what `ftft submit slurm` writes beside
/// its scripts, so the jobs run what was planned even if the YAML file changes after submission.
/// `ExperimentSpec.load(path:)` reads it like a YAML file (`ftft run <folder>/slurm/submission-1/experiment.json`).
public struct ResolvedExperiment: Codable, Sendable, Equatable {
    public static let format = "ftft-resolved-experiment-1"
    public var format = ResolvedExperiment.format
    /// The file it was resolved from, for people.
    public var source: String?
    public var experiment: ExperimentSpec

    public init(experiment: ExperimentSpec, source: String?) {
        self.experiment = experiment
        self.source = source
    }

    public func write(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try AtomicFile.write(try encoder.encode(self), to: path)
    }

    /// The experiment of a resolved-experiment file, validated again; nil if `data` is not one (not JSON with
    /// this format), so the caller reads it as YAML.
    static func experiment(from data: Data, file: String) throws -> ExperimentSpec? {
        guard data.first(where: { ![0x20, 0x0A, 0x0D, 0x09].contains($0) }) == UInt8(ascii: "{"),
              let probe = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              probe["format"] as? String == format else { return nil }
        do {
            let resolved = try JSONDecoder().decode(ResolvedExperiment.self, from: data)
            try resolved.experiment.validate(file: file, lines: [:])
            return resolved.experiment
        } catch let error as ExperimentError {
            throw error
        } catch {
            throw ExperimentError.unreadableFile(file: file, reason: "a resolved experiment that cannot be read (\(error))")
        }
    }
}
