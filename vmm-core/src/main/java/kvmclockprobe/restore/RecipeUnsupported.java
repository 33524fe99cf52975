package kvmclockprobe.restore;

/** The kernel lacks what a recipe needs; the recipe is skipped, naming what is missing. */
public final class RecipeUnsupported extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public RecipeUnsupported(String missing) {
        super(missing);
    }
}
