using ClawGroups.Inference.Distillation;
using ClawGroups.Inference.Evaluation;
using ClawGroups.Inference.Skills;

namespace ClawGroups.Inference.Tests.Evaluation;

public sealed class RealStyleTeacherTests
{
    private static readonly RealStyleEvalSet s_set = new(
        [
            new RealStyleCard("ledger", "accounting", "Bookkeeping", [new SkillEntry("books", "Books", "Closing the books", ["ledger"], [], 0.8), new SkillEntry("vat", "VAT", "VAT returns", ["tax"], [], 0.7)]),
            new RealStyleCard("pixel", "frontend", "Web UI", [new SkillEntry("css", "CSS", "Layouts", ["css"], [], 0.9), new SkillEntry("a11y", "Accessibility", "Audits", ["a11y"], [], 0.6)]),
        ],
        [new RealStyleTask("our books do not balance", null, "ledger"), new RealStyleTask("the menu is cut off", "On phones only.", "pixel")]);

    [Fact]
    public void Each_task_goes_to_the_card_whose_text_is_nearest_in_the_teacher_s_space()
    {
        var profiles = s_set.Profiles();
        var items = s_set.Items();

        // The first task sits next to the second card, the second next to the first: both routed wrongly.
        var teacher = Vectors(new()
        {
            [SkillText.Of(items[0])] = [0, 1], [SkillText.Of(items[1])] = [1, 0],
            [SkillText.Of(profiles[0])] = [1, 0], [SkillText.Of(profiles[1])] = [0, 1],
        });

        Assert.Equal(0, RealStyleTeacher.RoutingAccuracy(teacher, s_set, bestSkill: false));
    }

    [Fact]
    public void By_best_skill_a_card_is_as_near_as_its_nearest_skill()
    {
        var profiles = s_set.Profiles();
        var items = s_set.Items();
        var vectors = new Dictionary<string, float[]>
        {
            [SkillText.Of(items[0])] = [1, 0], [SkillText.Of(items[1])] = [0, 1],
            [SkillText.Of(profiles[0])] = [0, 1], [SkillText.Of(profiles[1])] = [1, 0],
        };
        foreach (var (profile, skill, vector) in new[] { (0, 0, new[] { 1f, 0f }), (0, 1, [0f, 1f]), (1, 0, [0.6f, 0.8f]), (1, 1, [0.1f, 0.99f]) })
        {
            vectors[ClawGroups.Inference.Moe.TokenBatch.SkillInput(profiles[profile], profiles[profile].Skills[skill])] = vector;
        }

        var teacher = Vectors(vectors);

        // By whole card both tasks go wrong; by best skill the first goes to the ledger, the second still does (1 against 0.99).
        Assert.Equal(0, RealStyleTeacher.RoutingAccuracy(teacher, s_set, bestSkill: false));
        Assert.Equal(0.5, RealStyleTeacher.RoutingAccuracy(teacher, s_set, bestSkill: true));
    }

    [Fact]
    public void The_teacher_reads_every_task_card_and_skill_once()
    {
        var texts = RealStyleTeacher.Texts(s_set);

        Assert.Equal(2 + 2 + 4, texts.Count);
        Assert.Contains("the menu is cut off. On phones only", texts);
    }

    private static TeacherVectors Vectors(Dictionary<string, float[]> vectors)
    {
        var texts = RealStyleTeacher.Texts(s_set);
        return new TeacherVectors("test", texts, texts.Select(text => vectors.GetValueOrDefault(text, [0f, 0f])).ToArray());
    }
}
