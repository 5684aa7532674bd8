// The SQLite run store. Populated by issue 4.
import GRDB
