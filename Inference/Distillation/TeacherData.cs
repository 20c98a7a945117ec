namespace ClawGroups.Inference.Distillation;

/// <summary>
/// What training takes from the teacher (written by <c>Inference/Teacher</c>, Inference/Weights/README.md): its reading of every
/// vocabulary piece (<c>pieces.*</c>, the student's vocabulary and first embeddings) and of the distillation texts (<c>sentences.*</c>).
/// </summary>
public sealed record TeacherData(TeacherVectors Pieces, TeacherVectors Sentences)
{
    public static TeacherData Load(string folder)
    {
        var (pieces, sentences) = (Path.Combine(folder, "pieces"), Path.Combine(folder, "sentences"));
        foreach (var (path, command) in new[] { (pieces, "pieces"), (sentences, "sentences") })
        {
            if (!TeacherVectors.Exists(path))
            {
                throw new FileNotFoundException(
                    $"{path}.safetensors/.txt not found: run `dotnet run --project Inference/Teacher -c Release -- {command}` first (Inference/Weights/README.md).");
            }
        }

        return new TeacherData(TeacherVectors.Load(pieces), TeacherVectors.Load(sentences));
    }
}
