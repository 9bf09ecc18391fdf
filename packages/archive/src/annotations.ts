/** OCI's annotation naming an image in a layout's `index.json`; BuildKit and containerd write only the tag there. */
export const refNameAnnotation = 'org.opencontainers.image.ref.name';

/** containerd's annotation with the full image name (`docker.io/library/busybox:latest`), which BuildKit writes next to the OCI one. */
export const containerdImageNameAnnotation = 'io.containerd.image.name';

/** The `oci-layout` file's content: the image-layout version this package writes and reads. */
export const ociLayoutFile = { imageLayoutVersion: '1.0.0' } as const;
