using ClawGroups.Inference.Skills;

namespace ClawGroups.Inference.Tests.Skills;

public sealed class SkillTextTests
{
    private static readonly SkillProfile Card = new("member-1", "Ledger", "Keeps the books",
    [
        new SkillEntry("accounts", "Accounts", "Reconciles accounts", ["ledger", "bank"], ["Reconcile March", "Close the month"], 0.8),
        new SkillEntry("tax", "Tax", "Files returns", ["vat"], [], 0.5),
    ]);

    [Fact]
    public void The_same_card_hashes_alike_whoever_holds_it()
    {
        var copy = Card with { MemberId = "member-2", Skills = Card.Skills.Select(skill => skill with { Tags = [.. skill.Tags], Examples = [.. skill.Examples] }).ToList() };

        Assert.Equal(SkillText.ContentHash(Card), SkillText.ContentHash(copy));
    }

    public static TheoryData<string, SkillProfile> Changed => new()
    {
        { "name", Card with { Name = "Ledgers" } },
        { "description", Card with { Description = "Keeps the book" } },
        { "a skill's id", WithFirstSkill(skill => skill with { Id = "account" }) },
        { "a skill's name", WithFirstSkill(skill => skill with { Name = "Account" }) },
        { "a skill's description", WithFirstSkill(skill => skill with { Description = "Reconciles" }) },
        { "a tag", WithFirstSkill(skill => skill with { Tags = ["ledger", "banks"] }) },
        { "an example", WithFirstSkill(skill => skill with { Examples = ["Reconcile April", "Close the month"] }) },
        { "a level", WithFirstSkill(skill => skill with { Level = 0.81 }) },
        { "the skills' order", Card with { Skills = [Card.Skills[1], Card.Skills[0]] } },
        { "a skill less", Card with { Skills = [Card.Skills[0]] } },
        // Where one field ends and the next begins is part of what is hashed: words moved across a boundary are another card.
        { "words moved between tags", WithFirstSkill(skill => skill with { Tags = ["ledgerbank"] }) },
        { "an example split in two", WithFirstSkill(skill => skill with { Examples = ["Reconcile March. Close the month"] }) },
        { "a word moved from the name to the description", Card with { Name = "Ledger Keeps", Description = "the books" } },
    };

    [Theory]
    [MemberData(nameof(Changed))]
    public void Any_change_to_what_the_models_read_hashes_differently(string change, SkillProfile changed)
    {
        Assert.False(SkillText.ContentHash(Card) == SkillText.ContentHash(changed), $"{change}: same hash");
    }

    [Fact]
    public void A_long_field_is_hashed_whole()
    {
        var longer = new string('x', 5_000);

        Assert.NotEqual(
            SkillText.ContentHash(Card with { Description = longer + "a" }),
            SkillText.ContentHash(Card with { Description = longer + "b" }));
    }

    private static SkillProfile WithFirstSkill(Func<SkillEntry, SkillEntry> change) => Card with { Skills = [change(Card.Skills[0]), Card.Skills[1]] };
}
