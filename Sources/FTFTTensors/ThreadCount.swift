import Foundation

/// The number of threads ftft uses when nobody says: every command's `--threads` default and an experiment
/// file without `threads:`. One function, so `ftft train`, `ftft run`, `ftft demo`, `ftft predict` and a Slurm
/// job agree. Results do not depend on it (see `parallelFor`); only wall time does.
public enum ThreadCount {
    /// The largest count an experiment file accepts (and the most this returns).
    public static let maximum = 256

    /// `SLURM_CPUS_PER_TASK` when set to a positive integer (inside a Slurm job that is what the job was given,
    /// whatever the node has), else the processors this process may run on (`activeProcessorCount`), at least 1
    /// and at most `maximum`.
    public static func available(environment: [String: String] = ProcessInfo.processInfo.environment) -> Int {
        if let text = environment["SLURM_CPUS_PER_TASK"], let slurm = Int(text.trimmingCharacters(in: .whitespaces)),
           slurm > 0 {
            return min(slurm, maximum)
        }
        return min(max(1, ProcessInfo.processInfo.activeProcessorCount), maximum)
    }
}
