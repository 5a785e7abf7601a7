package org.yofacturoyampi.routes.sink;

/** The table sink's database refused a record (a constraint, a value its column cannot take): it stays pending. */
public final class TableRefusedException extends RuntimeException {

    public TableRefusedException(String message) {
        super(message, null, false, false);
    }
}
