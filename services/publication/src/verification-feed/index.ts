export { caseCopyStreamId, isVerificationCopy, verificationCopyStreamId } from './verification-streams';
export { VerificationFeedModule } from './verification-feed.module';
