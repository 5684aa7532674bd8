import Foundation
import FTFTIO
import FTFTTestSupport

/// A gzip JSONL golden file (written by a generator through `record_file`): `GoldenFixture.verifiedData` checks
/// its SHA-256 against golden/manifest.json first, then each line is parsed.
struct GoldenJSONL {
    struct StaleFixture: Error, CustomStringConvertible {
        let description: String
    }

    let file: String
    let records: [[String: Any]]

    init(_ file: String) throws {
        self.file = file
        _ = try GoldenFixture.verifiedData(file)
        var records: [[String: Any]] = []
        let reader = try LineReader(path: PackagePaths.golden.appendingPathComponent(file).path)
        while let line = try reader.nextLine() {
            guard let record = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                throw StaleFixture(description: "golden/\(file):\(reader.lineNumber): not a JSON object")
            }
            records.append(record)
        }
        self.records = records
    }
}

extension Dictionary where Key == String, Value == Any {
    func ints(_ key: String) -> [Int32]? {
        (self[key] as? [Any])?.compactMap { ($0 as? NSNumber).map { Int32(truncating: $0) } }
    }
}
