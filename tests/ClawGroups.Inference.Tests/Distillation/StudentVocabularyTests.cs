using ClawGroups.Inference.Distillation;

namespace ClawGroups.Inference.Tests.Distillation;

public sealed class StudentVocabularyTests
{
    [Theory]
    [InlineData("[PAD]", true)]
    [InlineData("[CLS]", true)]
    [InlineData("pods", true)]
    [InlineData("##ing", true)]
    [InlineData("2024", true)]
    [InlineData("é", true)]
    [InlineData("[unused42]", false)]
    [InlineData("!", false)]
    [InlineData("##.", false)]
    [InlineData("日", false)]
    [InlineData("##", false)]
    public void Keeps_only_what_the_student_s_tokenizer_can_produce(string piece, bool kept)
    {
        Assert.Equal(kept, StudentVocabulary.Keeps(piece));
    }
}
