package kvmclockprobe.restore.recipes;

import kvmclockprobe.restore.Intent;

/**
 * One VMM's restore as of a release or a pull request: a recipe of its own.
 *
 * @param recipeName the recipe's name on the command line and in the reports
 * @param intent     what the VMM means the guest clock to do across the pause
 * @param source     which release or pull request it follows, appended to the recipe's source line ("" for the current one)
 */
public record Variant(String recipeName, Intent intent, String source) {}
