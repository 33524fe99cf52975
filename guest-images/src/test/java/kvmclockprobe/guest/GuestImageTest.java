package kvmclockprobe.guest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class GuestImageTest {

    @ParameterizedTest
    @EnumSource(GuestImage.class)
    void loadsNonEmptyAndFitsTheImageArea(GuestImage image) {
        byte[] bytes = image.bytes();
        assertThat(bytes).as(image.resourceName()).isNotEmpty();
        assertThat((long) bytes.length).as(image.resourceName()).isLessThan(GuestAbi.IMAGE_MAX_SIZE);
    }

    @ParameterizedTest
    @EnumSource(GuestImage.class)
    void resourceNameIsTheLowercaseBinFile(GuestImage image) {
        assertThat(image.resourceName())
                .isEqualTo("kvmclockprobe/guest/" + image.name().toLowerCase(java.util.Locale.ROOT) + ".bin");
    }

    @ParameterizedTest
    @EnumSource(GuestImage.class)
    void bytesReturnsAFreshCopy(GuestImage image) {
        byte[] a = image.bytes();
        a[0] ^= 0x55;
        assertThat(image.bytes()[0]).isNotEqualTo(a[0]);
    }

    @ParameterizedTest
    @EnumSource(GuestImage.class)
    void startsWithTheSharedEntryCode(GuestImage image) {
        // entry.S begins with cli (0xFA); cld (0xFC)
        byte[] bytes = image.bytes();
        assertThat(bytes[0]).isEqualTo((byte) 0xFA);
        assertThat(bytes[1]).isEqualTo((byte) 0xFC);
    }
}
