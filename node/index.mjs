// The ES module entry point: the same module as index.cjs (one instance, one library load).
import cjs from './index.cjs';

export const {
  Client, PackageKind, HARMONY_APP, ATOMIC_SERVICE, PROFILE_PICTURE, Phase, PHASES, Step, ReleaseStatus, TestType,
  Trust, Transfer, PhasedAction, Status, version, sealFile, openFile, inspectPackage, libraryPath, libraryFileNames, AgcError, InvalidArgumentError,
  FileError, CancelledError, NetworkError, AuthError, ApiError, RejectedError, SealError, PackageFailedError,
  ReentrantError, PreflightError, InternalError, errorFor,
} = cjs;
export default cjs;
