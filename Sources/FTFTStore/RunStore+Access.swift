internal import GRDB

/// The two doors every public method goes through: `write` (one transaction, or the store's read-only error)
/// and `read` (a consistent snapshot). Both turn GRDB's errors into `StoreError`s that name the file and the
/// operation, so no caller ever sees a bare SQLite code.
extension RunStore {
    /// Runs `body` in one write transaction; any throw rolls the whole transaction back.
    func write<T>(_ operation: String, _ body: (Database) throws -> T) throws -> T {
        guard let writer else { throw StoreError.readOnly(path: path, operation: operation) }
        do {
            return try writer.write(body)
        } catch {
            throw storeError(error, operation: operation)
        }
    }

    /// Runs `body` on a read-only connection, inside one read transaction (a snapshot: a concurrent writer's
    /// later commits are invisible until the next read).
    func read<T>(_ operation: String, _ body: (Database) throws -> T) throws -> T {
        do {
            return try reader.read(body)
        } catch {
            throw storeError(error, operation: operation)
        }
    }

    func storeError(_ error: any Error, operation: String) -> any Error {
        if let error = error as? StoreError { return error }
        if let error = error as? DatabaseError {
            switch error.resultCode {
            case .SQLITE_FULL:
                return StoreError.diskFull(path: path, operation: operation)
            case .SQLITE_READONLY:
                return StoreError.readOnly(path: path, operation: operation)
            default:
                return StoreError.database(
                    path: path, operation: operation, code: error.extendedResultCode.rawValue,
                    message: error.message ?? "unknown")
            }
        }
        if error is RowDecodingError {
            return StoreError.corrupt(path: path, what: "\(operation): \(error)")
        }
        return error
    }

    /// Throws `notFound` unless run `run` exists.
    func requireRun(_ db: Database, _ run: RunID, operation: String) throws {
        let exists = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM run WHERE id = ?)", arguments: [run.rawValue]) ?? false
        guard exists else { throw StoreError.notFound(path: path, what: "run \(run.rawValue) (\(operation))") }
    }

    func invalid(_ operation: String, field: String, index: Int? = nil, _ reason: String) -> StoreError {
        .invalidInput(path: path, operation: operation, field: field, index: index, reason: reason)
    }
}
