// Methods, compute ledger, experiment files, tables. Populated by issue 5.
import Yams
