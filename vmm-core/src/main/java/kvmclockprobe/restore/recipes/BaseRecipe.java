package kvmclockprobe.restore.recipes;

import kvmclockprobe.restore.Intent;
import kvmclockprobe.restore.Recipe;

/** A recipe's fixed facts: its name, its VMM, that VMM's intent and where its sequence comes from. */
abstract class BaseRecipe implements Recipe {
    private final String name;
    private final String vmm;
    private final Intent intent;
    private final String source;

    BaseRecipe(String name, String vmm, Intent intent, String source) {
        this.name = name;
        this.vmm = vmm;
        this.intent = intent;
        this.source = source;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final String vmm() {
        return vmm;
    }

    @Override
    public final Intent intent() {
        return intent;
    }

    @Override
    public final String source() {
        return source;
    }

    @Override
    public String toString() {
        return name;
    }
}
