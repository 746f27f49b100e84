using System.Collections.Concurrent;
using System.Data.Common;
using System.Globalization;
using System.Numerics;
using System.Reflection;

namespace Sourceless.Store;

/// <summary>
/// The one place query results meet records (the reading half of <see cref="RowMap"/>): each
/// parameter of a positional record's longest constructor reads the result column of its
/// snake_case name (PassRate reads pass_rate), whatever the column order. The result's columns are
/// checked against the parameters before any row is read, so a renamed or missing column, or a
/// column of a type the parameter cannot hold, fails on every store, an empty one too
/// (<c>TrialStore.Rows</c>, RowReaderSpecs, and ReportQuerySpecs for every report's queries).
/// </summary>
public sealed class RowReader
{
    private static readonly ConcurrentDictionary<Type, RowReader> Plans = new();

    private enum Kind { Text, Bytes, Flag, Whole, Real, Other }

    private sealed record Slot(string Parameter, string Column, Type Type, Type Underlying, bool Nullable, Kind Kind);

    private readonly Type _type;
    private readonly ConstructorInfo _constructor;
    private readonly IReadOnlyList<Slot> _slots;

    private RowReader(Type type)
    {
        _type = type;
        _constructor = type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).FirstOrDefault()
            ?? throw new InvalidOperationException($"{type.Name} has no public constructor to read rows into");
        _slots = _constructor.GetParameters().Select(p =>
        {
            var underlying = System.Nullable.GetUnderlyingType(p.ParameterType);
            return new Slot(p.Name!, RowMap.Snake(p.Name!), p.ParameterType, underlying ?? p.ParameterType,
                underlying is not null || !p.ParameterType.IsValueType, KindOf(underlying ?? p.ParameterType));
        }).ToList();
        var twice = _slots.GroupBy(s => s.Column, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (twice.Count > 0) throw new InvalidOperationException($"{type.Name} has parameters that read the same column: {string.Join(", ", twice)}");
    }

    public static RowReader Of(Type type) => Plans.GetOrAdd(type, t => new RowReader(t));

    /// <summary>The columns the record reads, in parameter order.</summary>
    public IReadOnlyList<string> Columns => _slots.Select(s => s.Column).ToList();

    /// <summary>Checks the reader's columns (names and types, known before the first row) and reads
    /// every row into a <typeparamref name="T"/>.</summary>
    public List<T> ReadAll<T>(DbDataReader reader)
    {
        if (typeof(T) != _type) throw new InvalidOperationException($"the plan of {_type.Name} cannot read {typeof(T).Name}");
        int[] ordinals = Bind(reader);
        var rows = new List<T>();
        var args = new object?[_slots.Count];
        while (reader.Read())
        {
            for (int i = 0; i < _slots.Count; i++) args[i] = Value(reader, ordinals[i], _slots[i]);
            rows.Add((T)_constructor.Invoke(args));
        }
        return rows;
    }

    /// <summary>The ordinal of each parameter's column. Every parameter needs its column, and every
    /// column needs its parameter: an extra column in the result means the SQL and the record have
    /// drifted apart (a column added to one and not the other, or an alias typed differently), which
    /// is what this check exists to catch; reading a subset silently would hide it. A query that
    /// wants fewer columns names them (every report query does; SELECT * reads a record listing the
    /// table's every column).</summary>
    private int[] Bind(DbDataReader reader)
    {
        var names = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToList();
        var byName = new Dictionary<string, int>(StringComparer.Ordinal);
        var duplicate = new List<string>();
        for (int i = 0; i < names.Count; i++)
            if (!byName.TryAdd(names[i], i)) duplicate.Add(names[i]);
        var missing = _slots.Where(s => !byName.ContainsKey(s.Column)).Select(s => s.Column).ToList();
        var extra = names.Where(n => _slots.All(s => s.Column != n)).ToList();
        if (missing.Count > 0 || extra.Count > 0 || duplicate.Count > 0)
            throw new InvalidOperationException($"{_type.Name} does not match its query's columns:" +
                (missing.Count > 0 ? $" missing {string.Join(", ", missing)};" : "") +
                (extra.Count > 0 ? $" not in the record {string.Join(", ", extra)};" : "") +
                (duplicate.Count > 0 ? $" returned twice {string.Join(", ", duplicate.Distinct())};" : "") +
                $" the query returned {string.Join(", ", names)}");
        var ordinals = _slots.Select(s => byName[s.Column]).ToArray();
        for (int i = 0; i < _slots.Count; i++)
        {
            var slot = _slots[i];
            var column = reader.GetFieldType(ordinals[i]);
            if (!Fits(KindOf(column), slot.Kind))
                throw new InvalidOperationException($"{_type.Name}.{slot.Parameter} is {Describe(slot.Type)} but column {slot.Column} is {column.Name}");
        }
        return ordinals;
    }

    /// <summary>Whole numbers widen into real ones; nothing else changes kind (a real into a whole
    /// number would round, text into a number would parse).</summary>
    private static bool Fits(Kind column, Kind parameter) =>
        parameter == Kind.Other || column == parameter || (column == Kind.Whole && parameter == Kind.Real);

    private static Kind KindOf(Type t)
    {
        if (t == typeof(string)) return Kind.Text;
        if (t == typeof(byte[]) || typeof(Stream).IsAssignableFrom(t)) return Kind.Bytes;
        if (t == typeof(bool)) return Kind.Flag;
        if (t == typeof(BigInteger) || t == typeof(long) || t == typeof(int) || t == typeof(short) || t == typeof(sbyte)
            || t == typeof(ulong) || t == typeof(uint) || t == typeof(ushort) || t == typeof(byte)) return Kind.Whole;
        if (t == typeof(double) || t == typeof(float) || t == typeof(decimal)) return Kind.Real;
        return Kind.Other;
    }

    private object? Value(DbDataReader reader, int ordinal, Slot slot)
    {
        if (reader.IsDBNull(ordinal))
            return slot.Nullable ? null
                : throw new InvalidOperationException($"{_type.Name}.{slot.Parameter} is {Describe(slot.Type)} but column {slot.Column} is NULL in a row");
        object value = reader.GetValue(ordinal);
        if (value is Stream stream) value = ReadAll(stream);
        if (slot.Underlying.IsInstanceOfType(value)) return value;
        try
        {
            return value switch
            {
                BigInteger big when slot.Kind == Kind.Real => Convert.ChangeType((double)big, slot.Underlying, CultureInfo.InvariantCulture),
                BigInteger big => Convert.ChangeType((long)big, slot.Underlying, CultureInfo.InvariantCulture),
                IConvertible when slot.Kind is Kind.Whole or Kind.Real => Convert.ChangeType(value, slot.Underlying, CultureInfo.InvariantCulture),
                _ => throw new InvalidCastException(),
            };
        }
        catch (Exception e) when (e is InvalidCastException or OverflowException)
        {
            throw new InvalidOperationException($"{_type.Name}.{slot.Parameter} is {Describe(slot.Type)} and cannot hold column {slot.Column}'s value {value} ({value.GetType().Name})", e);
        }
    }

    private static string Describe(Type t) => System.Nullable.GetUnderlyingType(t) is { } u ? u.Name + "?" : t.Name;

    private static byte[] ReadAll(Stream s)
    {
        using var ms = new MemoryStream();
        s.CopyTo(ms);
        return ms.ToArray();
    }
}
