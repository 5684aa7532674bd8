/// WordPiece (Schuster & Nakajima 2012; Devlin et al. 2019): greedy longest-match-first segmentation of one
/// pre-tokenized word into vocabulary pieces, the first piece as is and the following ones with the continuation
/// prefix ("##"). A word longer than `maxInputCharactersPerWord` Unicode scalars (not grapheme clusters: HF counts
/// `chars()`) or with a position where no piece matches becomes the single unknown token.
///
/// HF tries every end from the longest down at each start; the longest vocabulary entry that is a prefix of the
/// rest of the word is the same thing, found here in one walk down a byte trie. Vocabulary tokens are valid UTF-8,
/// so a match always ends on a scalar boundary of the word.
public struct WordPiece: Sendable {
    public let continuingSubwordPrefix: String
    public let maxInputCharactersPerWord: Int
    public let unknownID: Int32
    /// Every vocabulary token (what HF looks up at the start of a word).
    let initial: ByteTrie
    /// Tokens that begin with the prefix, without it (what HF looks up as prefix + rest).
    let continuation: ByteTrie

    public init(vocabulary: Vocabulary, unknownToken: String, continuingSubwordPrefix: String = "##",
                maxInputCharactersPerWord: Int = 100) throws {
        guard let unknownID = vocabulary.id(unknownToken) else {
            throw TokenizerError.missingSpecialToken(path: vocabulary.source, role: "unknown", token: unknownToken)
        }
        self.unknownID = unknownID
        self.continuingSubwordPrefix = continuingSubwordPrefix
        self.maxInputCharactersPerWord = maxInputCharactersPerWord
        var initialBuilder = ByteTrie.Builder()
        var continuationBuilder = ByteTrie.Builder()
        let prefix = Array(continuingSubwordPrefix.utf8)
        for (token, id) in vocabulary.tokenIDs {
            let bytes = Array(token.utf8)
            initialBuilder.insert(bytes[...], id: id)
            // HF looks a continuation up as prefix + rest: with an empty prefix, every token is one.
            if bytes.count > prefix.count && bytes.starts(with: prefix) {
                continuationBuilder.insert(bytes[prefix.count...], id: id)
            }
        }
        initial = initialBuilder.build()
        continuation = continuationBuilder.build()
    }

    /// Appends the ids of `word` (its UTF-8 bytes; `scalarCount` Unicode scalars) to `ids`.
    @inline(__always)
    func appendIDs(word: UnsafeBufferPointer<UInt8>, scalarCount: Int, to ids: inout [Int32]) {
        if scalarCount > maxInputCharactersPerWord {
            ids.append(unknownID)
            return
        }
        let rollback = ids.count
        var start = 0
        while start < word.count {
            let trie = start == 0 ? initial : continuation
            var node = ByteTrie.root
            var bestEnd = -1
            var bestID: Int32 = 0
            var i = start
            while i < word.count {
                node = trie.child(of: node, byte: word[i])
                if node < 0 { break }
                i += 1
                let id = trie.tokenID[Int(node)]
                if id >= 0 {
                    bestEnd = i
                    bestID = id
                }
            }
            if bestEnd < 0 {
                ids.removeSubrange(rollback...)
                ids.append(unknownID)
                return
            }
            ids.append(bestID)
            start = bestEnd
        }
    }
}

/// A byte trie in flat arrays: node 0 is the root, with a dense 256-entry child table; every other node keeps its
/// children as a sorted run of (byte, child) edges.
struct ByteTrie: Sendable {
    static let root: Int32 = 0
    let rootChildren: [Int32]  // [256], −1 where there is no child
    let tokenID: [Int32]       // [nodes], −1 where no token ends
    let edgeStart: [Int32]     // [nodes]
    let edgeCount: [Int32]     // [nodes]
    let edgeByte: [UInt8]      // [edges], sorted within each node
    let edgeChild: [Int32]     // [edges]

    @inline(__always)
    func child(of node: Int32, byte: UInt8) -> Int32 {
        if node == Self.root { return rootChildren[Int(byte)] }
        let lower = Int(edgeStart[Int(node)])
        let upper = lower + Int(edgeCount[Int(node)])
        var k = lower
        while k < upper {
            let b = edgeByte[k]
            if b == byte { return edgeChild[k] }
            if b > byte { break }
            k += 1
        }
        return -1
    }

    /// Builds the trie with dictionaries, then flattens it breadth-first.
    struct Builder {
        private var children: [[UInt8: Int32]] = [[:]]
        private var ids: [Int32] = [-1]

        mutating func insert(_ bytes: ArraySlice<UInt8>, id: Int32) {
            var node = 0
            for byte in bytes {
                if let next = children[node][byte] {
                    node = Int(next)
                } else {
                    children.append([:])
                    ids.append(-1)
                    children[node][byte] = Int32(children.count - 1)
                    node = children.count - 1
                }
            }
            ids[node] = id
        }

        func build() -> ByteTrie {
            var rootChildren = [Int32](repeating: -1, count: 256)
            for (byte, child) in children[0] { rootChildren[Int(byte)] = child }
            var edgeStart = [Int32](repeating: 0, count: children.count)
            var edgeCount = [Int32](repeating: 0, count: children.count)
            var edgeByte: [UInt8] = []
            var edgeChild: [Int32] = []
            for node in 1..<max(children.count, 1) {
                edgeStart[node] = Int32(edgeByte.count)
                edgeCount[node] = Int32(children[node].count)
                for (byte, child) in children[node].sorted(by: { $0.key < $1.key }) {
                    edgeByte.append(byte)
                    edgeChild.append(child)
                }
            }
            return ByteTrie(rootChildren: rootChildren, tokenID: ids, edgeStart: edgeStart, edgeCount: edgeCount,
                            edgeByte: edgeByte, edgeChild: edgeChild)
        }
    }
}
