import FTFTData
import Foundation
import Testing

/// Corpus/catalogue.json, decoded: every bad input ftft must refuse, with the error it must produce.
/// The keys are described in the file itself.
struct Catalogue: Decodable {
    struct Mapping: Decodable, Sendable {
        let text: String
        let pair: String?
        let label: String
        let id: String?
        let names: [String]?
        let indices: Int?

        var columnMapping: ColumnMapping {
            ColumnMapping(textField: text, pairField: pair, labelField: label, idField: id,
                          labels: indices.map { .indices(count: $0) } ?? .names(names ?? []))
        }
    }

    /// How a pretrained case's model.safetensors is made: every parameter of the `layout` config (F32, with the
    /// `bert.` prefix unless `prefix` says otherwise), minus `drop`, plus `add`, with `dtype` overrides.
    struct Weights: Decodable, Sendable {
        struct Added: Decodable, Sendable {
            let name: String
            let shape: [Int]
        }

        let layout: String
        let prefix: String?
        let drop: [String]?
        let add: [Added]?
        let dtype: [String: String]?
    }

    struct Command: Decodable, Sendable {
        let command: String
        /// The error the command throws, when it is not the parser's (the command reads the file differently).
        let error: String?
        /// false: the command reaches the file another way (e.g. as an ftft checkpoint), so its message is only
        /// checked for the file, not for the case's line, field, tensor and phrases.
        let place: Bool?
    }

    /// A payload value as the catalogue writes it: text, an integer or a list of integers.
    enum Value: Decodable, Sendable, Equatable, CustomStringConvertible {
        case text(String)
        case integer(Int)
        case integers([Int])

        init(from decoder: Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let text = try? container.decode(String.self) { self = .text(text) }
            else if let integer = try? container.decode(Int.self) { self = .integer(integer) }
            else { self = .integers(try container.decode([Int].self)) }
        }

        /// The form `ErrorAnatomy.render` gives the same value.
        var description: String {
            switch self {
            case .text(let text): return text
            case .integer(let integer): return String(integer)
            case .integers(let integers): return "\(integers)"
            }
        }
    }

    struct Case: Decodable, Sendable, CustomTestStringConvertible {
        let file: String
        let reader: String?
        let error: String
        let names: String?
        let line: Int?
        let field: String?
        let tensor: String?
        let mentions: [String]?
        let payload: [String: Value]?
        let mapping: Mapping?
        let weights: Weights?
        let cli: Command?
        let foundBy: String?
        /// The error type has no field for the file (it is only inside a reason text): check the message only.
        let fileInMessageOnly: Bool?
        let why: String

        enum CodingKeys: String, CodingKey {
            case file, reader, error, names, line, field, tensor, mentions, payload, mapping, weights, cli, why
            case foundBy = "found_by", fileInMessageOnly = "file_in_message_only"
        }

        var testDescription: String { file }

        /// The path the error must name, given where the reader saw the case (a copy, for pretrained cases).
        func namedPath(caseAt path: String) -> String {
            guard let names else { return path }
            return names == "." ? path : path + "/" + names
        }
    }

    let defaultMapping: Mapping
    let supportFiles: [String]
    let cases: [Case]

    enum CodingKeys: String, CodingKey {
        case defaultMapping = "default_mapping", supportFiles = "support_files", cases
    }

    /// Tests/ReliabilityTests/Corpus, found from this file's location.
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Corpus")

    static func path(_ relative: String) -> String { folder.appendingPathComponent(relative).path }

    static func load() throws -> Catalogue {
        try JSONDecoder().decode(Catalogue.self, from: Data(contentsOf: folder.appendingPathComponent("catalogue.json")))
    }

    /// The catalogue, or nil when it does not load (`CatalogueTests` then fails, saying why).
    static let shared: Catalogue? = try? load()
    static var readerCases: [Case] { shared?.cases.filter { $0.reader != nil } ?? [] }
    static var commandCases: [Case] { shared?.cases.filter { $0.cli != nil } ?? [] }
}
