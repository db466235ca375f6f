import { Route, Routes } from 'react-router';
import { Empty } from './components/ui';
import { LiveProvider } from './live';
import { AccountDetailScreen, AccountsScreen } from './screens/accounts';
import { AuditScreen, VerifyScreen } from './screens/admin/audit';
import { DashboardScreen } from './screens/admin/dashboard';
import { ProjectionsScreen } from './screens/admin/projections';
import { ReviewsScreen } from './screens/admin/reviews';
import { TransactionsScreen } from './screens/admin/transactions';
import { UsersScreen } from './screens/admin/users';
import { MoveMoneyScreen, PayScreen } from './screens/move-money';
import { PaymentScreen, PaymentsScreen } from './screens/payments';
import { SignInScreen } from './screens/sign-in';
import { TransferScreen } from './screens/transfer';
import { useSessionState } from './session';
import { Shell } from './shell';

export function App() {
  const { session } = useSessionState();
  if (!session) return <SignInScreen />;
  return (
    <LiveProvider apiKey={session.apiKey}>
      <Shell>
        <Routes>
          {session.user.role === 'admin' ? (
            <>
              <Route path="/" element={<DashboardScreen />} />
              <Route path="/users" element={<UsersScreen />} />
              <Route path="/accounts" element={<AccountsScreen />} />
              <Route path="/transactions" element={<TransactionsScreen />} />
              <Route path="/reviews" element={<ReviewsScreen />} />
              <Route path="/audit" element={<AuditScreen />} />
              <Route path="/verify" element={<VerifyScreen />} />
              <Route path="/projections" element={<ProjectionsScreen />} />
            </>
          ) : (
            <>
              <Route path="/" element={<AccountsScreen />} />
              <Route path="/deposit" element={<MoveMoneyScreen key="deposit" kind="deposit" />} />
              <Route path="/withdraw" element={<MoveMoneyScreen key="withdrawal" kind="withdrawal" />} />
              <Route path="/pay" element={<PayScreen />} />
            </>
          )}
          <Route path="/accounts/:accountId" element={<AccountDetailScreen />} />
          <Route path="/payments" element={<PaymentsScreen />} />
          <Route path="/payments/:paymentId" element={<PaymentScreen />} />
          <Route path="/transfers/:kind/:transferId" element={<TransferScreen />} />
          <Route path="*" element={<Empty>Nothing here.</Empty>} />
        </Routes>
      </Shell>
    </LiveProvider>
  );
}
