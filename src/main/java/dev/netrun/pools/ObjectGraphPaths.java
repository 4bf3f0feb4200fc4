package dev.netrun.pools;

import java.io.Serializable;
import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds the shortest path of fields from a value to an object of a given class. The search follows
 * what Java serialization would write: non-static, non-transient fields of serializable classes, the
 * elements of arrays, collections and maps, and the captured arguments of serializable lambdas. It
 * gives up after {@value #MAX_VISITED} objects.
 */
final class ObjectGraphPaths {

    private static final int MAX_VISITED = 100_000;
    private static final int MAX_KEY_TEXT = 40;

    private ObjectGraphPaths() {
    }

    /** A reached object and the step that reached it; the root has no parent. */
    private record Step(Object value, Step parent, String label) {
        String path() {
            List<String> labels = new ArrayList<>();
            for (Step step = this; step != null; step = step.parent) {
                labels.add(step.label);
            }
            StringBuilder path = new StringBuilder();
            for (int i = labels.size() - 1; i >= 0; i--) {
                path.append(labels.get(i));
            }
            return path.toString();
        }
    }

    /**
     * Returns the path from {@code root} to the first object of class {@code className}, such as
     * {@code Job.connection} or {@code lambda in Example.captured[0]}, or {@code null} if the search
     * finds none.
     */
    static String find(Object root, String className) {
        if (root == null || className == null) {
            return null;
        }
        IdentityHashMap<Object, Boolean> visited = new IdentityHashMap<>();
        ArrayDeque<Step> queue = new ArrayDeque<>();
        queue.add(new Step(root, null, rootLabel(root)));
        visited.put(root, Boolean.TRUE);

        while (!queue.isEmpty() && visited.size() < MAX_VISITED) {
            Step step = queue.poll();
            if (step.value.getClass().getName().equals(className)) {
                return step.path();
            }
            for (Step child : children(step)) {
                if (visited.put(child.value, Boolean.TRUE) == null) {
                    queue.add(child);
                }
            }
        }
        return null;
    }

    private static String rootLabel(Object root) {
        Class<?> type = root.getClass();
        if (isLambda(type)) {
            String name = type.getName();
            String declaring = name.substring(0, name.indexOf("$$Lambda"));
            return "lambda in " + declaring.substring(declaring.lastIndexOf('.') + 1);
        }
        return type.isArray() ? type.getComponentType().getSimpleName() + "[]" : type.getSimpleName();
    }

    private static boolean isLambda(Class<?> type) {
        return type.isSynthetic() && type.getName().contains("$$Lambda");
    }

    private static List<Step> children(Step step) {
        Object value = step.value;
        Class<?> type = value.getClass();
        List<Step> children = new ArrayList<>();

        if (type.isArray()) {
            if (!type.getComponentType().isPrimitive()) {
                for (int i = 0; i < Array.getLength(value); i++) {
                    addChild(children, Array.get(value, i), step, "[" + i + "]");
                }
            }
            return children;
        }
        if (isJdkClass(type)) {
            addContainerChildren(children, step);
            return children;
        }
        if (isLambda(type)) {
            int index = 0;
            for (Field field : type.getDeclaredFields()) {
                if (!Modifier.isStatic(field.getModifiers())) {
                    addChild(children, read(field, value), step, ".captured[" + index++ + "]");
                }
            }
            return children;
        }
        for (Class<?> level = type; level != null && Serializable.class.isAssignableFrom(level);
                level = level.getSuperclass()) {
            for (Field field : level.getDeclaredFields()) {
                int modifiers = field.getModifiers();
                if (!Modifier.isStatic(modifiers) && !Modifier.isTransient(modifiers) && !field.getType().isPrimitive()) {
                    addChild(children, read(field, value), step, "." + field.getName());
                }
            }
        }
        return children;
    }

    /** JDK classes hide their fields from reflection, so only their container contents are followed. */
    private static void addContainerChildren(List<Step> children, Step step) {
        try {
            if (step.value instanceof Map<?, ?> map) {
                int index = 0;
                for (Map.Entry<?, ?> entry : map.entrySet()) {
                    addChild(children, entry.getKey(), step, ".keys[" + index++ + "]");
                    addChild(children, entry.getValue(), step, "[" + keyText(entry.getKey()) + "]");
                }
            } else if (step.value instanceof Collection<?> collection) {
                int index = 0;
                for (Object element : collection) {
                    addChild(children, element, step, "[" + index++ + "]");
                }
            }
        } catch (RuntimeException e) {
            // A collection changed or failed while it was walked: report the path found so far, if any.
        }
    }

    private static String keyText(Object key) {
        if (key instanceof String text) {
            return '"' + (text.length() > MAX_KEY_TEXT ? text.substring(0, MAX_KEY_TEXT) + "..." : text) + '"';
        }
        String text = String.valueOf(key);
        return text.length() > MAX_KEY_TEXT ? text.substring(0, MAX_KEY_TEXT) + "..." : text;
    }

    private static boolean isJdkClass(Class<?> type) {
        String name = type.getName();
        return name.startsWith("java.") || name.startsWith("javax.") || name.startsWith("jdk.")
                || name.startsWith("sun.") || name.startsWith("com.sun.");
    }

    private static Object read(Field field, Object owner) {
        try {
            return field.trySetAccessible() ? field.get(owner) : null;
        } catch (IllegalAccessException | RuntimeException e) {
            return null;
        }
    }

    private static void addChild(List<Step> children, Object value, Step parent, String label) {
        if (value != null) {
            children.add(new Step(value, parent, label));
        }
    }
}
