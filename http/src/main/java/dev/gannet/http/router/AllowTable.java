package dev.gannet.http.router;

/**
 * Allow header values by set of methods (a bit mask of method indexes), so a 405 answer costs a lookup, not a
 * string build.
 *
 * <p>Every node's own set is added when the router is built. A 405 can also need the union of several nodes' sets,
 * when the path is matched by more than one pattern (GET {@code /users/me} and POST {@code /users/{id}} both match
 * {@code /users/me}); those unions cannot be listed cheaply in advance, so they are formatted the first time they
 * occur and kept. The route set is fixed, so the unions are finitely many and matching stops allocating once each
 * has been seen.
 *
 * <p>Readers take the current table from a volatile field without locking; a writer publishes a new, larger copy.
 */
final class AllowTable {

    private record Table(long[] keys, String[] values, int size) {
    }

    private final String[] methodNames;
    private volatile Table table = new Table(new long[16], new String[16], 0);

    AllowTable(String[] methodNames) {
        this.methodNames = methodNames;
    }

    /** The Allow value for a non-empty set. */
    String get(long mask) {
        String s = lookup(table, mask);
        return s != null ? s : add(mask);
    }

    private static String lookup(Table t, long mask) {
        long[] keys = t.keys();
        int m = keys.length - 1;
        // Key 0 marks a free slot; it is never looked up because an empty set has no Allow value.
        for (int i = slot(mask) & m; ; i = (i + 1) & m) {
            long k = keys[i];
            if (k == mask) return t.values()[i];
            if (k == 0) return null;
        }
    }

    private synchronized String add(long mask) {
        Table t = table;
        String s = lookup(t, mask);
        if (s != null) return s;
        s = format(mask);
        int capacity = t.keys().length;
        // Stay at most half full so probe runs stay short.
        if ((t.size() + 1) * 2 > capacity) capacity *= 2;
        long[] keys = new long[capacity];
        String[] values = new String[capacity];
        long[] oldKeys = t.keys();
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != 0) put(keys, values, oldKeys[i], t.values()[i]);
        }
        put(keys, values, mask, s);
        table = new Table(keys, values, t.size() + 1);
        return s;
    }

    private static void put(long[] keys, String[] values, long key, String value) {
        int m = keys.length - 1;
        int i = slot(key) & m;
        while (keys[i] != 0) i = (i + 1) & m;
        keys[i] = key;
        values[i] = value;
    }

    private static int slot(long mask) {
        long h = mask * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32));
    }

    /** Method names in index order, so standard methods come as GET, HEAD, POST, PUT, DELETE, ... */
    private String format(long mask) {
        if (mask == 0) throw new IllegalArgumentException("empty method set");
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < methodNames.length; i++) {
            if ((mask & (1L << i)) != 0) {
                if (!sb.isEmpty()) sb.append(", ");
                sb.append(methodNames[i]);
            }
        }
        return sb.toString();
    }
}
