using ClawGroups.Inference.Corpus;

namespace ClawGroups.Inference.Tests.Corpus;

public sealed class SkillAreaTests
{
    private const string Areas = """
        ## accounting | Accounting and bookkeeping | 180
        profile: Ledger | Bookkeeper | bookkeeping, reconciliation | Close the month
        thing: the ledger
        problem: does not balance
        context: for March
        ask: reconcile the vendor payments
        """;

    [Fact]
    public void A_later_header_of_an_area_adds_its_phrases()
    {
        var areas = SkillArea.Parse(Areas + "\n## accounting\nsymptom: our books do not balance; the bank is 312 euros off\nquestion: why is VAT wrong?\n");

        var area = Assert.Single(areas);
        Assert.Equal(["our books do not balance", "the bank is 312 euros off"], area.Symptoms);
        Assert.Equal(["why is VAT wrong?"], area.Questions);
        Assert.Empty(area.Requests);
    }

    [Fact]
    public void Phrases_for_an_area_that_is_not_defined_are_an_error()
    {
        var error = Assert.Throws<InvalidDataException>(() => SkillArea.Parse(Areas + "\n## payroll\nsymptom: late\n"));

        Assert.Contains("payroll", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_key_is_an_error_that_shows_the_line()
    {
        var error = Assert.Throws<InvalidDataException>(() => SkillArea.Parse(Areas + "\nsymptoms: misspelt key\n"));

        Assert.Contains("symptoms: misspelt key", error.Message, StringComparison.Ordinal);
    }
}
