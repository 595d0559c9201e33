import { Module } from '@nestjs/common';
import { AttachmentStore, LocalAttachmentStore } from './attachment-store';

/** The attachment store, for intake (writes) and the officials' module (reads). */
@Module({
  providers: [{ provide: AttachmentStore, useClass: LocalAttachmentStore }],
  exports: [AttachmentStore],
})
export class AttachmentsModule {}
