using ClawGroups.Inference.Skills;

namespace ClawGroups.Inference.Tests.Skills;

public sealed class AffinityMatrixTests
{
    [Fact]
    public void A_row_copied_through_a_column_map_takes_each_mapped_column_s_score_and_skill()
    {
        var source = Numbered(items: 2, profiles: 4);
        var copy = new AffinityMatrix(3, 2);

        copy.CopyRow(2, source, 1, [3, 1]);

        Assert.Equal((source.Score(1, 3), source.BestSkill(1, 3)), (copy.Score(2, 0), copy.BestSkill(2, 0)));
        Assert.Equal((source.Score(1, 1), source.BestSkill(1, 1)), (copy.Score(2, 1), copy.BestSkill(2, 1)));
        // The other rows are untouched: no score, no skill.
        Assert.Equal((0f, -1), (copy.Score(0, 0), copy.BestSkill(0, 0)));
    }

    [Fact]
    public void A_row_copied_without_a_map_is_the_source_row_column_for_column()
    {
        var source = Numbered(items: 2, profiles: 3);
        var copy = new AffinityMatrix(1, 3);

        copy.CopyRow(0, source, 1);

        Assert.Equal(Enumerable.Range(0, 3).Select(p => (source.Score(1, p), source.BestSkill(1, p))), Enumerable.Range(0, 3).Select(p => (copy.Score(0, p), copy.BestSkill(0, p))));
    }

    [Fact]
    public void A_copy_that_does_not_fit_is_refused_not_cut_short()
    {
        var source = Numbered(items: 2, profiles: 3);
        var copy = new AffinityMatrix(2, 2);

        Assert.Throws<ArgumentException>(() => copy.CopyRow(0, source, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => copy.CopyRow(0, source, 0, [0, 3]));
        // The refused copy's first column, which was in range, was not written either.
        Assert.Equal((0f, -1), (copy.Score(0, 0), copy.BestSkill(0, 0)));
        Assert.Throws<ArgumentOutOfRangeException>(() => copy.CopyRow(2, source, 0, [0, 1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => copy.CopyRow(0, source, 2, [0, 1]));
    }

    /// <summary>Every cell its own score and skill, so a copy from the wrong cell shows.</summary>
    private static AffinityMatrix Numbered(int items, int profiles)
    {
        var matrix = new AffinityMatrix(items, profiles);
        for (var i = 0; i < items; i++)
        {
            for (var p = 0; p < profiles; p++)
            {
                matrix.Set(i, p, ((i * profiles) + p + 1) / 100f, (i * profiles) + p);
            }
        }

        return matrix;
    }
}
