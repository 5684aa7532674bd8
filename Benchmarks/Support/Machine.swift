import Foundation
import FTFTTensors
#if canImport(Glibc)
import Glibc
#endif

/// What the machine was doing and what it is: recorded with every result, because on a shared machine a number
/// means little without the load it was measured under.
public enum Machine {
    /// The 1, 5 and 15 minute load averages.
    public static func loadAverage() -> [Double] {
        var values = [Double](repeating: 0, count: 3)
        let count = values.withUnsafeMutableBufferPointer { buffer in buffer.baseAddress.map { getloadavg($0, 3) } ?? -1 }
        return count == 3 ? values : []
    }

    /// The CPU model name from /proc/cpuinfo ("unknown" elsewhere).
    public static var cpuModel: String {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return "unknown" }
        let line = text.split(separator: "\n").first { $0.hasPrefix("model name") }
        return line.flatMap { $0.split(separator: ":", maxSplits: 1).last }.map { $0.trimmingCharacters(in: .whitespaces) } ?? "unknown"
    }

    /// Everything a results file records about the run's environment.
    public static func provenance() -> [String: Any] {
        [
            "cpu": cpuModel, "processors": ProcessInfo.processInfo.activeProcessorCount,
            "memory_bytes": ProcessInfo.processInfo.physicalMemory, "blas": BLASRuntime.configuration,
            "blas_core": BLASRuntime.coreName, "load_average": loadAverage(),
            "os": ProcessInfo.processInfo.operatingSystemVersionString,
        ]
    }
}
