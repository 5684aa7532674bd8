import Foundation
import FTFTIO

extension CartographyFiles {
    /// Reads cartography's data-map coordinates (`guid, index, confidence, variability, correctness`,
    /// `C:README.md L60-67`) or its `td_metrics.jsonl` (the same plus `threshold_closeness` and
    /// `forgetfulness`, `C:train_dy_filtering.py L135-141`). Examples keep file order. The result has no gold
    /// labels and no epoch count (the files carry neither); `index` is read and checked to be an integer but not
    /// otherwise used. Checks: unique guids, 0 ≤ confidence ≤ 1, variability ≥ 0, correctness ≥ 0, and every
    /// line with the same optional fields as the first.
    public static func readDataMap(path: String) throws -> DataMap {
        let bytes = try fileBytes(path)
        let keys = ["guid", "index", "confidence", "variability", "correctness", "forgetfulness", "threshold_closeness"]
            .map { Array($0.utf8) }
        var ids: [String] = [], confidence: [Double] = [], variability: [Double] = []
        var correctness: [Int] = [], forgetfulness: [Int] = []
        var lineOf: [String: Int] = [:]
        var hasForgetfulness: Bool?
        var scanner = JSONLineScanner(file: path)
        try forEachLine(bytes) { buffer, lineNumber in
            let location = SourceLocation(file: path, line: lineNumber)
            var id: String?, conf: Double?, vari: Double?, corr: Int?, forg: Int?, index: Int?
            scanner.reset(buffer, line: lineNumber)
            try scanner.object { key, s in
                if bytesEqual(key, keys[0]) { id = try s.identifier(field: "guid") }
                else if bytesEqual(key, keys[1]) { index = try s.integer(field: "index") }
                else if bytesEqual(key, keys[2]) { conf = try s.double(field: "confidence") }
                else if bytesEqual(key, keys[3]) { vari = try s.double(field: "variability") }
                else if bytesEqual(key, keys[4]) { corr = try s.integer(field: "correctness") }
                else if bytesEqual(key, keys[5]) { forg = try s.integer(field: "forgetfulness") }
                else { try s.skipValue() }
            }
            guard let id else { throw CartographyError.missingField(location, field: "guid") }
            guard index != nil else { throw CartographyError.missingField(location, field: "index") }
            guard let conf else { throw CartographyError.missingField(location, field: "confidence") }
            guard let vari else { throw CartographyError.missingField(location, field: "variability") }
            guard let corr else { throw CartographyError.missingField(location, field: "correctness") }
            if let first = lineOf[id] { throw CartographyError.duplicateExample(location, id: id, firstLine: first) }
            guard conf >= 0 && conf <= 1 else { throw CartographyError.valueOutOfRange(location, field: "confidence", value: "\(conf)") }
            guard vari >= 0 && vari.isFinite else { throw CartographyError.valueOutOfRange(location, field: "variability", value: "\(vari)") }
            guard corr >= 0 else { throw CartographyError.valueOutOfRange(location, field: "correctness", value: "\(corr)") }
            if hasForgetfulness == nil { hasForgetfulness = forg != nil }
            if hasForgetfulness == true {
                guard let forg else { throw CartographyError.missingField(location, field: "forgetfulness") }
                forgetfulness.append(forg)
            }
            lineOf[id] = location.line
            ids.append(id)
            confidence.append(conf)
            variability.append(vari)
            correctness.append(corr)
        }
        guard !ids.isEmpty else { throw CartographyError.invalidDynamics(reason: "\(path) has no records") }
        return try DataMap(exampleIDs: ids, goldLabels: nil, epochCount: nil, confidence: confidence,
                           variability: variability, correctness: correctness,
                           forgetfulness: hasForgetfulness == true ? forgetfulness : nil,
                           options: DataMapOptions(), ftft: nil)
    }

    /// One coordinates line as cartography writes it: `{"guid":…,"index":…,"confidence":…,"variability":…,
    /// "correctness":…}` + "\n" (pandas float format, `PandasJSONEncoding`).
    public static func encodeCoordinatesLine(id: String, index: Int, confidence: Double, variability: Double,
                                             correctness: Int) -> [UInt8] {
        var out: [UInt8] = [0x7B]
        PandasJSONEncoding.appendKey("guid", to: &out)
        PandasJSONEncoding.appendIdentifier(id, to: &out)
        appendField("index", integer: index, to: &out)
        appendField("confidence", double: confidence, to: &out)
        appendField("variability", double: variability, to: &out)
        appendField("correctness", integer: correctness, to: &out)
        out.append(contentsOf: [0x7D, 0x0A])
        return out
    }

    /// One `td_metrics.jsonl` line: guid, index, threshold_closeness, confidence, variability, correctness,
    /// forgetfulness, in that order (`C:train_dy_filtering.py L135-141`).
    public static func encodeTDMetricsLine(id: String, index: Int, confidence: Double, variability: Double,
                                           correctness: Int, forgetfulness: Int) -> [UInt8] {
        var out: [UInt8] = [0x7B]
        PandasJSONEncoding.appendKey("guid", to: &out)
        PandasJSONEncoding.appendIdentifier(id, to: &out)
        appendField("index", integer: index, to: &out)
        appendField("threshold_closeness", double: DataMapStatistics.thresholdCloseness(confidence: confidence), to: &out)
        appendField("confidence", double: confidence, to: &out)
        appendField("variability", double: variability, to: &out)
        appendField("correctness", integer: correctness, to: &out)
        appendField("forgetfulness", integer: forgetfulness, to: &out)
        out.append(contentsOf: [0x7D, 0x0A])
        return out
    }

    /// Writes the coordinates file of `map` atomically; `index` is the position in the map.
    public static func writeCoordinates(_ map: DataMap, path: String) throws {
        try write(coordinatesBytes(map), to: path)
    }

    /// The bytes of `data_map_coordinates.jsonl` for `map`.
    public static func coordinatesBytes(_ map: DataMap) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(map.exampleCount * 100)
        for i in 0..<map.exampleCount {
            bytes.append(contentsOf: encodeCoordinatesLine(id: map.exampleIDs[i], index: i, confidence: map.confidence[i],
                                                           variability: map.variability[i], correctness: map.correctness[i]))
        }
        return bytes
    }

    /// Writes `td_metrics.jsonl` for `map` atomically; needs forgetfulness (a map computed from dynamics).
    public static func writeTDMetrics(_ map: DataMap, path: String) throws {
        try write(try tdMetricsBytes(map), to: path)
    }

    /// The bytes of `td_metrics.jsonl` for `map`; needs forgetfulness (a map computed from dynamics).
    public static func tdMetricsBytes(_ map: DataMap) throws -> [UInt8] {
        guard let forgetfulness = map.forgetfulness else {
            throw CartographyError.invalidDynamics(reason: "td_metrics needs forgetfulness, which this data map lacks")
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(map.exampleCount * 160)
        for i in 0..<map.exampleCount {
            bytes.append(contentsOf: encodeTDMetricsLine(id: map.exampleIDs[i], index: i, confidence: map.confidence[i],
                                                         variability: map.variability[i], correctness: map.correctness[i],
                                                         forgetfulness: forgetfulness[i]))
        }
        return bytes
    }

    static func write(_ bytes: [UInt8], to path: String) throws {
        do { try AtomicFile.write(Data(bytes), to: path) } catch let error as IOError { throw CartographyError.io(error) }
    }

    private static func appendField(_ key: String, integer: Int, to out: inout [UInt8]) {
        out.append(0x2C)
        PandasJSONEncoding.appendKey(key, to: &out)
        PandasJSONEncoding.appendInteger(integer, to: &out)
    }

    private static func appendField(_ key: String, double: Double, to out: inout [UInt8]) {
        out.append(0x2C)
        PandasJSONEncoding.appendKey(key, to: &out)
        PandasJSONEncoding.appendDouble(double, to: &out)
    }
}
