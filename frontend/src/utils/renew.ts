// Renewing never shortens a block silently: when the backend answers
// "shortens", the supervisor is asked, with both times in their own zone,
// and the renewal is sent again with allowShorten only after they confirm.
import type { useDialog } from 'naive-ui'
import { api, ApiError, type Ban, type Period } from '../api'

type DialogApiInjection = ReturnType<typeof useDialog>

/** Thrown when the supervisor declines to shorten a block. */
export const notShortened = 'not_shortened'

/** Asks "This shortens the block on … from … to …" and resolves to the answer. */
export function confirmShorten(dialog: DialogApiInjection, err: ApiError): Promise<boolean> {
  return new Promise((resolve) => {
    dialog.warning({
      title: 'Shorten the block?',
      content: `${err.message} The new end is earlier than the current one.`,
      positiveText: 'Shorten it',
      negativeText: 'Keep the longer block',
      positiveButtonProps: { 'data-testid': 'shorten-confirm' } as Record<string, string>,
      negativeButtonProps: { 'data-testid': 'shorten-cancel' } as Record<string, string>,
      onPositiveClick: () => resolve(true),
      onNegativeClick: () => resolve(false),
      onClose: () => resolve(false),
      onMaskClick: () => resolve(false),
      onEsc: () => resolve(false),
    })
  })
}

/**
 * Renews ban id for period, with an optional reason for the history; if that
 * would shorten it, asks first. Declining throws an ApiError with code
 * notShortened and nothing changes.
 */
export async function renewWithConsent(dialog: DialogApiInjection, id: number, period: Period, reason = ''): Promise<Ban> {
  try {
    return await api.renew(id, period, false, reason)
  } catch (e) {
    if (!(e instanceof ApiError) || e.code !== 'shortens') throw e
    if (!(await confirmShorten(dialog, e))) {
      throw new ApiError(notShortened, 'Not renewed: the block keeps its later end.')
    }
    return api.renew(id, period, true, reason)
  }
}
