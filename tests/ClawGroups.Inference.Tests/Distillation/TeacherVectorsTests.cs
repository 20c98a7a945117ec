using ClawGroups.Inference.Distillation;

namespace ClawGroups.Inference.Tests.Distillation;

public sealed class TeacherVectorsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("teacher-vectors-").FullName;

    [Fact]
    public void Saved_vectors_load_for_the_same_texts_at_half_precision()
    {
        var path = Path.Combine(_folder, "sentences");
        new TeacherVectors("teacher", ["pods keep restarting", "our books do not balance"], [[0.6f, 0.8f], [1f, 0f]]).Save(path);

        var loaded = TeacherVectors.Load(path);

        Assert.Equal("teacher", loaded.Teacher);
        Assert.Equal(0.6f, loaded.For(["pods keep restarting"])[0][0], 3);
        Assert.Equal(2, loaded.Width);
    }

    [Fact]
    public void Vectors_beside_other_texts_than_they_were_made_from_are_refused()
    {
        var path = Path.Combine(_folder, "sentences");
        new TeacherVectors("teacher", ["a", "b"], [[1f], [0f]]).Save(path);
        File.WriteAllLines(path + ".txt", ["a", "c"]);

        Assert.Throws<InvalidDataException>(() => TeacherVectors.Load(path));
    }

    [Fact]
    public void A_text_the_teacher_never_read_is_named_in_the_error()
    {
        var vectors = new TeacherVectors("teacher", ["a"], [[1f]]);

        var error = Assert.Throws<InvalidDataException>(() => vectors.For(["never read"]));

        Assert.Contains("never read", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_text_with_a_line_break_cannot_be_kept_one_per_line()
    {
        Assert.Throws<ArgumentException>(() => new TeacherVectors("teacher", ["two\nlines"], [[1f]]));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
