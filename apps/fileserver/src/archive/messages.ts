/** Cloudify 3.4's archive error messages, verbatim, so clients matching on them keep working. */
export const UNRECOGNIZED_FORMAT_MESSAGE =
  "Blueprint archive is of an unrecognized format. Supported formats are: ['zip', 'tar', 'tar.gz', 'tar.bz2']";

export const EXACTLY_ONE_DIRECTORY_MESSAGE = 'archive must contain exactly 1 directory';
