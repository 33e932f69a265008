package io.werken.expression;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.primitives.UnsignedLong;
import dev.cel.common.values.NullValue;
import java.time.Duration;
import java.time.Instant;
import java.util.AbstractList;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How JSON and CEL values meet. The payload is seen by CEL through read-only views that convert a value only when an
 * expression touches it (a large payload costs nothing it does not read): objects are maps, arrays lists, integers
 * CEL ints (int64), other numbers doubles, null CEL's null. A value an expression selects unchanged goes back out as
 * the very JSON it came from: a 23-digit integer, {@code 0.10}, an object with its key order.
 */
public final class JsonValues {

    private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);

    private JsonValues() {}

    /** The CEL view of a JSON value. */
    static Object toCel(JsonNode node, Bindings bindings) {
        switch (node.getNodeType()) {
            case OBJECT:
                return new ObjectView((ObjectNode) node, bindings);
            case ARRAY:
                return new ArrayView((ArrayNode) node, bindings);
            case STRING:
                return node.textValue();
            case BOOLEAN:
                return node.booleanValue();
            case NUMBER:
                if (node.canConvertToLong() && node.isIntegralNumber()) {
                    return node.longValue();
                }
                // Too large for an int64, or a decimal: CEL compares it as a double, and if it goes back out
                // unchanged it is written as it was received.
                Double approximate = node.doubleValue();
                bindings.remember(approximate, node);
                return approximate;
            case NULL:
            case MISSING:
            default:
                return NullValue.NULL_VALUE;
        }
    }

    /** The JSON for a CEL value: an expression's result in params. */
    public static JsonNode toJson(Object value, Bindings bindings) throws ExpressionException {
        if (value == null || value instanceof NullValue) {
            return NODES.nullNode();
        }
        if (value instanceof ObjectView view) {
            return view.node;
        }
        if (value instanceof ArrayView view) {
            return view.node;
        }
        JsonNode original = bindings.original(value);
        if (original != null) {
            return original;
        }
        if (value instanceof String s) {
            return NODES.textNode(s);
        }
        if (value instanceof Boolean b) {
            return NODES.booleanNode(b);
        }
        if (value instanceof Long l) {
            return NODES.numberNode(l);
        }
        if (value instanceof Integer i) {
            return NODES.numberNode(i);
        }
        if (value instanceof UnsignedLong u) {
            return NODES.numberNode(u.bigIntegerValue());
        }
        if (value instanceof Double d) {
            if (d.isNaN() || d.isInfinite()) {
                throw new ExpressionException("the result " + d + " is not a JSON number");
            }
            return NODES.numberNode(d);
        }
        if (value instanceof Map<?, ?> map) {
            ObjectNode object = NODES.objectNode();
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                if (!(entry.getKey() instanceof String key)) {
                    throw new ExpressionException(
                            "a map with a " + typeName(entry.getKey()) + " key cannot be written as a JSON object");
                }
                object.set(key, toJson(entry.getValue(), bindings));
            }
            return object;
        }
        if (value instanceof List<?> list) {
            ArrayNode array = NODES.arrayNode(list.size());
            for (Object element : list) {
                array.add(toJson(element, bindings));
            }
            return array;
        }
        if (value instanceof Instant instant) {
            return NODES.textNode(instant.toString());
        }
        if (value instanceof Duration duration) {
            return NODES.textNode(durationText(duration));
        }
        throw new ExpressionException("a " + typeName(value) + " cannot be written as JSON (convert it with string())");
    }

    /** Appends a value inside a string: a string as it is, anything else as its JSON text. */
    static void appendText(StringBuilder text, Object value, Bindings bindings) throws ExpressionException {
        if (value instanceof String s) {
            text.append(s);
            return;
        }
        text.append(toJson(value, bindings).toString());
    }

    /** CEL's name for the type of a value, for error messages. */
    static String typeName(Object value) {
        if (value == null || value instanceof NullValue) {
            return "null";
        }
        if (value instanceof String) {
            return "string";
        }
        if (value instanceof Boolean) {
            return "bool";
        }
        if (value instanceof Long || value instanceof Integer) {
            return "int";
        }
        if (value instanceof UnsignedLong) {
            return "uint";
        }
        if (value instanceof Double) {
            return "double";
        }
        if (value instanceof Map) {
            return "map";
        }
        if (value instanceof List) {
            return "list";
        }
        if (value instanceof Instant) {
            return "timestamp";
        }
        if (value instanceof Duration) {
            return "duration";
        }
        return value.getClass().getSimpleName().replace("Cel", "").replace("ByteString", "bytes");
    }

    private static String durationText(Duration duration) {
        long seconds = duration.getSeconds();
        int nanos = duration.getNano();
        if (nanos == 0) {
            return seconds + "s";
        }
        return new java.math.BigDecimal(seconds)
                        .add(java.math.BigDecimal.valueOf(nanos, 9))
                        .stripTrailingZeros()
                        .toPlainString()
                + "s";
    }

    /** A JSON object as a CEL map, converting each value when it is read. */
    private static final class ObjectView extends AbstractMap<String, Object> {

        private final ObjectNode node;
        private final Bindings bindings;

        ObjectView(ObjectNode node, Bindings bindings) {
            this.node = node;
            this.bindings = bindings;
        }

        @Override
        public Object get(Object key) {
            JsonNode value = key instanceof String name ? node.get(name) : null;
            return value == null ? null : toCel(value, bindings);
        }

        @Override
        public boolean containsKey(Object key) {
            return key instanceof String name && node.has(name);
        }

        @Override
        public int size() {
            return node.size();
        }

        @Override
        public Set<Entry<String, Object>> entrySet() {
            return new AbstractSet<>() {
                @Override
                public Iterator<Entry<String, Object>> iterator() {
                    Iterator<Entry<String, JsonNode>> fields = node.fields();
                    return new Iterator<>() {
                        @Override
                        public boolean hasNext() {
                            return fields.hasNext();
                        }

                        @Override
                        public Entry<String, Object> next() {
                            Entry<String, JsonNode> field = fields.next();
                            return new SimpleImmutableEntry<>(field.getKey(), toCel(field.getValue(), bindings));
                        }
                    };
                }

                @Override
                public int size() {
                    return node.size();
                }
            };
        }
    }

    /** A JSON array as a CEL list, converting each element when it is read. */
    private static final class ArrayView extends AbstractList<Object> {

        private final ArrayNode node;
        private final Bindings bindings;

        ArrayView(ArrayNode node, Bindings bindings) {
            this.node = node;
            this.bindings = bindings;
        }

        @Override
        public Object get(int index) {
            return toCel(node.get(index), bindings);
        }

        @Override
        public int size() {
            return node.size();
        }
    }
}
