using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace ClawGroups.Data.Database;

/// <summary>
/// Decimals on SQLite, stored as doubles so that SQL can compare and sum them. A double can hold more than a decimal
/// (<c>(double)decimal.MaxValue</c> already rounds above it), so reading back saturates instead of throwing: a value
/// that cannot be read would make every query that touches its row fail.
/// </summary>
public sealed class DecimalAsDoubleConverter() : ValueConverter<decimal, double>(value => (double)value, stored => ToDecimal(stored))
{
    /// <summary>The largest double below <c>decimal.MaxValue</c> is about 7.9228162514264329E+28.</summary>
    private const double Largest = 7.9228162514264329E+28;

    public static decimal ToDecimal(double stored)
        => double.IsNaN(stored) ? 0m
            : stored >= Largest ? decimal.MaxValue
            : stored <= -Largest ? decimal.MinValue
            : (decimal)stored;
}
