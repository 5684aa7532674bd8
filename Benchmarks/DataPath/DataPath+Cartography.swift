import Foundation
import FTFTBenchmarkSupport
import FTFTCartography
import FTFTIO
import FTFTTestSupport

/// The issue-4 scale: N = 400,000 examples × E = 5 epochs × C = 3 classes (`CartographyWorkloads.syntheticDynamics`).
enum Scale {
    static let (examples, epochs, classes) = (400_000, 5, 3)
    static var rows: Int { examples * epochs }
    static let label = "400kx5x3"
}

/// The synthetic dynamics, built once per process (6 M normal draws take about a second).
let sharedDynamics: Result<TrainingDynamics, Error> = Result {
    try CartographyWorkloads.syntheticDynamics(examples: Scale.examples, epochs: Scale.epochs, classes: Scale.classes)
}

/// Data map + the three 33 % selections FTFT needs (`CartographyWorkloads.statisticsAndSelection`).
enum DataMapWorkload {
    /// Checks the timed function's result: the workload's own bounds check, then confidence, variability
    /// (population σ, the default) and correctness of every 397th example against a direct Double computation
    /// (softmax in Double, mean, σ with ddof 0, argmax with ties to the first maximum).
    static func validate(_ dynamics: TrainingDynamics, threads: Int) throws {
        let result = try CartographyWorkloads.statisticsAndSelection(dynamics, threads: threads)
        guard CartographyWorkloads.validate(result) else {
            throw GateFailure("data map: selection counts \(result.selected) out of the rules' bounds, or non-finite scores")
        }
        let (n, e, c) = (dynamics.exampleCount, dynamics.epochCount, dynamics.classCount)
        var confidence: [Float] = [], variability: [Float] = [], correctness: [Int] = []
        var mapConfidence: [Float] = [], mapVariability: [Float] = [], mapCorrectness: [Int] = []
        for i in stride(from: 0, to: n, by: 397) {
            var gold: [Double] = [], correct = 0
            for epoch in 0..<e {
                let logits = (0..<c).map { Double(dynamics.logits[(epoch * n + i) * c + $0]) }
                let top = logits.max() ?? 0
                let total = logits.reduce(0) { $0 + exp($1 - top) }
                gold.append(exp(logits[dynamics.goldLabels[i]] - top) / total)
                if logits.firstIndex(of: top) == dynamics.goldLabels[i] { correct += 1 }
            }
            let mean = gold.reduce(0, +) / Double(e)
            confidence.append(Float(mean))
            variability.append(Float((gold.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(e)).squareRoot()))
            correctness.append(correct)
            mapConfidence.append(Float(result.map.confidence[i]))
            mapVariability.append(Float(result.map.variability[i]))
            mapCorrectness.append(result.map.correctness[i])
        }
        try close("data map confidence", mapConfidence, confidence)
        try close("data map variability", mapVariability, variability)
        guard mapCorrectness == correctness else { throw GateFailure("data map correctness differs from the direct count") }
    }

    static func close(_ name: String, _ actual: [Float], _ expected: [Float]) throws {
        let result = compare(name, actual: actual, actualShape: [actual.count], expected: expected,
                             expectedShape: [expected.count], tolerance: .forward)
        guard result.passed else { throw GateFailure("validation against a direct computation failed: \(result.message)") }
    }
}

/// Cartography's `dynamics_epoch_{e}.jsonl` files of the workload: export, import, and the raw file I/O of the same
/// bytes that each is compared with in the same process (AtomicFile.write — temporary file, fsync, rename — for
/// export, as the writer uses it; reading and scanning every byte for import).
final class DynamicsFilesWorkload: @unchecked Sendable {
    let dynamics: TrainingDynamics
    let folder: String
    let rawFolder: String
    private(set) var fileBytes: [Data] = []

    init(dynamics: TrainingDynamics) throws {
        self.dynamics = dynamics
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("ftft-bench-dynamics-\(getpid())")
        folder = base.appendingPathComponent("jsonl").path
        rawFolder = base.appendingPathComponent("raw").path
        try FileManager.default.createDirectory(atPath: rawFolder, withIntermediateDirectories: true)
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: (folder as NSString).deletingLastPathComponent)
    }

    var paths: [String] { (0..<dynamics.epochCount).map { (folder as NSString).appendingPathComponent("dynamics_epoch_\($0).jsonl") } }
    var totalBytes: Int { fileBytes.reduce(0) { $0 + $1.count } }

    func export() throws { try CartographyFiles.writeDynamics(dynamics, folder: folder) }

    func rawWrite() throws {
        for (e, data) in fileBytes.enumerated() {
            try AtomicFile.write(data, to: (rawFolder as NSString).appendingPathComponent("epoch_\(e).bin"))
        }
    }

    func importFiles(threads: Int) throws -> TrainingDynamics {
        try CartographyFiles.readDynamics(folder: folder, threads: threads)
    }

    /// The import yardstick: read every file and touch every byte once (counting line feeds), the least any
    /// importer does. A bare read from the page cache is a memory copy whose time varies too much to divide by.
    func readAndScan() throws -> (bytes: Int, lines: Int) {
        var bytes = 0, lines = 0
        for path in paths {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            bytes += data.count
            data.withUnsafeBytes { raw in for byte in raw where byte == 0x0A { lines += 1 } }
        }
        return (bytes, lines)
    }

    /// Exports, keeps the bytes (for the raw-write yardstick), and checks the round trip. Cartography's files hold
    /// pandas' 10 decimals, so an imported logit may differ from the exported float32 by the decimal rounding
    /// (≤ 5·10⁻¹¹) plus the float32 rounding of the parsed value (≤ |x|·2⁻²⁴); ids, golds and shape must match
    /// exactly, and exporting what was imported must reproduce the files byte for byte.
    func validate(threads: Int) throws {
        try export()
        fileBytes = try paths.map { try Data(contentsOf: URL(fileURLWithPath: $0)) }
        let read = try importFiles(threads: threads)
        guard read.exampleIDs == dynamics.exampleIDs, read.goldLabels == dynamics.goldLabels,
              read.classCount == dynamics.classCount, read.epochCount == dynamics.epochCount,
              read.logits.count == dynamics.logits.count else {
            throw GateFailure("dynamics import: ids, golds or shape differ from what was exported")
        }
        for i in 0..<read.logits.count {
            let (a, e) = (Double(read.logits[i]), Double(dynamics.logits[i]))
            guard abs(a - e) <= 5e-11 + abs(e) * 0x1p-24 else {
                throw GateFailure("dynamics import: logit \(i) reads back as \(read.logits[i]), exported \(dynamics.logits[i]) "
                                  + "(more than 10-decimal and float32 rounding apart)")
            }
        }
        let again = (rawFolder as NSString).appendingPathComponent("again")
        try CartographyFiles.writeDynamics(read, folder: again)
        for (e, data) in fileBytes.enumerated() {
            let path = (again as NSString).appendingPathComponent("dynamics_epoch_\(e).jsonl")
            guard try Data(contentsOf: URL(fileURLWithPath: path)) == data else {
                throw GateFailure("dynamics export of the imported dynamics differs from the first export (epoch \(e))")
            }
        }
        try FileManager.default.removeItem(atPath: again)
    }
}
