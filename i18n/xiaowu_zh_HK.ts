<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_HK" sourcelanguage="zh_CN">
<context>
    <name>PinPadScreen</name>
    <message>
        <location filename="../kiosk/ui/screens/operator.py" line="114" />
        <source>运维人员验证</source>
        <translation>運維人員驗證</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/operator.py" line="116" />
        <source>密码错误，还可以再试 {n} 次。</source>
        <translation>密碼錯誤，還可以再試 {n} 次。</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/operator.py" line="119" />
        <source>错误次数过多，请在 {time} 后再试。</source>
        <translation>錯誤次數過多，請在 {time} 後再試。</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/operator.py" line="123" />
        <source>本机未设置运维密码。</source>
        <translation>本機未設定運維密碼。</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/operator.py" line="125" />
        <source>请输入运维密码</source>
        <translation>請輸入運維密碼</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/operator.py" line="127" />
        <source>删除</source>
        <translation>刪除</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/operator.py" line="128" />
        <source>确定</source>
        <translation>確定</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/operator.py" line="129" />
        <source>取消</source>
        <translation>取消</translation>
    </message>
</context>
<context>
    <name>OperatorMenuScreen</name>
    <message>
        <location filename="../kiosk/ui/screens/operator.py" line="210" />
        <source>正在自检，请稍候……</source>
        <translation>正在自檢，請稍候……</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/operator.py" line="212" />
        <source>自检结果</source>
        <translation>自檢結果</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/operator.py" line="214" />
        <source>没有自检结果。</source>
        <translation>沒有自檢結果。</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/operator.py" line="187" />
        <source>运维菜单</source>
        <translation>運維選單</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/operator.py" line="188" />
        <source>本次办理已结束，市民资料已清除。</source>
        <translation>本次辦理已結束，市民資料已清除。</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/operator.py" line="189" />
        <source>退出应用</source>
        <translation>退出應用程式</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/operator.py" line="190" />
        <source>清洁屏幕</source>
        <translation>清潔螢幕</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/operator.py" line="191" />
        <source>设备自检</source>
        <translation>設備自檢</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/operator.py" line="192" />
        <source>返回</source>
        <translation>返回</translation>
    </message>
</context>
<context>
    <name>CleaningScreen</name>
    <message>
        <location filename="../kiosk/ui/screens/cleaning.py" line="45" />
        <source>正在清洁屏幕</source>
        <translation>正在清潔螢幕</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/cleaning.py" line="46" />
        <source>触摸已暂停，请放心擦拭。</source>
        <translation>觸控已暫停，請放心擦拭。</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/cleaning.py" line="47" />
        <source>倒计时结束后自动恢复</source>
        <translation>倒數結束後自動恢復</translation>
    </message>
</context>
<context>
    <name>AttractScreen</name>
    <message>
        <location filename="../kiosk/ui/screens/attract.py" line="94" />
        <source>欢迎使用政务晓屋</source>
        <translation>歡迎使用政務曉屋</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/attract.py" line="95" />
        <source>企业和群众办事，就近一次办好</source>
        <translation>市民和企業辦事，就近一次辦妥</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/attract.py" line="96" />
        <source>已预约？扫码开门</source>
        <translation>已預約？掃碼開門</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/attract.py" line="98" />
        <source>用手机扫描右侧的二维码，玻璃门将自动打开，预约的事项会自动带出。</source>
        <translation>用手機掃描右側的二維碼，玻璃門將自動打開，預約的事項會自動帶出。</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/attract.py" line="100" />
        <source>现场办理？轻触屏幕</source>
        <translation>即場辦理？輕觸屏幕</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/attract.py" line="102" />
        <source>选择要办的事项，数字业务员和视频坐席工作人员将一步步协助您。</source>
        <translation>選擇要辦的事項，數碼業務員和視像坐席職員將逐步協助您。</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/attract.py" line="104" />
        <source>轻触开始办理</source>
        <translation>輕觸開始辦理</translation>
    </message>
</context>
<context>
    <name>BoothWindow</name>
    <message>
        <location filename="../kiosk/ui/window.py" line="100" />
        <source>网络连接中断：您可以继续浏览办事指南，办理内容将在网络恢复后自动提交。</source>
        <translation>網絡連線中斷：您可以繼續瀏覽辦事指南，辦理內容將在網絡恢復後自動提交。</translation>
    </message>
</context>
<context>
    <name>CallScreen</name>
    <message>
        <location filename="../kiosk/ui/screens/call.py" line="57" />
        <source>正在为您呼叫工作人员</source>
        <translation>正在為您呼叫職員</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/call.py" line="58" />
        <source>正在接通…</source>
        <translation>正在接通…</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/call.py" line="59" />
        <source>视频通话中</source>
        <translation>視像通話中</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/call.py" line="60" />
        <source>通话已结束</source>
        <translation>通話已結束</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/call.py" line="61" />
        <source>暂时没有空闲的工作人员</source>
        <translation>暫時沒有空閒的職員</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/call.py" line="65" />
        <source>排队部门：{d}</source>
        <translation>排隊部門：{d}</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/call.py" line="65" />
        <source>综合坐席</source>
        <translation>綜合坐席</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/call.py" line="67" />
        <source>您前面还有 {n} 位</source>
        <translation>您前面還有 {n} 位</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/call.py" line="69" />
        <source>预计等待约 {m} 分钟</source>
        <translation>預計等候約 {m} 分鐘</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/call.py" line="72" />
        <source>您可以先自助浏览办事指南，或稍后再次点击“人工服务”。</source>
        <translation>您可以先自助瀏覽辦事指南，或稍後再按「人工服務」。</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/call.py" line="74" />
        <source>感谢您的耐心，您可以继续办理或结束办理。</source>
        <translation>感謝您的耐心，您可以繼續辦理或結束辦理。</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/call.py" line="76" />
        <source>请面向屏幕，工作人员可以看到您和高拍仪画面。</source>
        <translation>請面向屏幕，職員可以看到您和高拍儀畫面。</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/call.py" line="78" />
        <source>工作人员接通后，视频画面将显示在这里</source>
        <translation>職員接通後，視像畫面將在此顯示</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/call.py" line="82" />
        <source>通话中的工作人员：{names}</source>
        <translation>通話中的職員：{names}</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/call.py" line="90" />
        <source>挂断</source>
        <translation>掛斷</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/call.py" line="90" />
        <source>取消呼叫</source>
        <translation>取消呼叫</translation>
    </message>
    <message>
        <source>视频通话前，请确认</source>
        <translation>視像通話前，請確認</translation>
    </message>
    <message>
        <source>网络不稳定，正在重新连接…</source>
        <translation>網絡不穩定，正在重新連接…</translation>
    </message>
    <message>
        <source>工作人员将通过视频为您办理</source>
        <translation>職員將透過視像為您辦理</translation>
    </message>
    <message>
        <source>您可以继续等待，咨询数字工作人员，或预约工作人员回电。</source>
        <translation>您可以繼續等候，諮詢數碼職員，或預約職員回電。</translation>
    </message>
    <message>
        <source>请稍候，通话会自动恢复，无需任何操作。</source>
        <translation>請稍候，通話會自動恢復，無需任何操作。</translation>
    </message>
    <message>
        <source>网络较慢，已切换为语音通话。</source>
        <translation>網絡較慢，已切換為語音通話。</translation>
    </message>
    <message>
        <source>正在发送视频</source>
        <translation>正在傳送視像</translation>
    </message>
    <message>
        <source>本次通话将录音录像</source>
        <translation>本次通話將錄音錄影</translation>
    </message>
    <message>
        <source>同意后将打开摄像头和高拍仪，工作人员可以看到您和您放在高拍仪下的材料。通话中屏幕上方会一直显示“正在发送视频”。</source>
        <translation>同意後將開啟攝影機和高拍儀，職員可以看到您和您放在高拍儀下的文件。通話期間屏幕上方會一直顯示「正在傳送視像」。</translation>
    </message>
    <message>
        <source>按照规定，本次通话将录音录像，仅用于业务办理和监督。</source>
        <translation>按照規定，本次通話將錄音錄影，僅用於業務辦理和監督。</translation>
    </message>
    <message>
        <source>同意并开启摄像头</source>
        <translation>同意並開啟攝影機</translation>
    </message>
    <message>
        <source>不同意，返回</source>
        <translation>不同意，返回上頁</translation>
    </message>
    <message>
        <source>继续等待</source>
        <translation>繼續等候</translation>
    </message>
    <message>
        <source>咨询数字工作人员</source>
        <translation>諮詢數碼職員</translation>
    </message>
    <message>
        <source>预约工作人员回电</source>
        <translation>預約職員回電</translation>
    </message>
    <message>
        <source>正在重新连接…</source>
        <translation>正在重新連接…</translation>
    </message>
    <message>
        <source>您的画面</source>
        <translation>您的畫面</translation>
    </message>
    <message>
        <source>高拍仪画面（点按放大）</source>
        <translation>高拍儀畫面（點按放大）</translation>
    </message>
    <message>
        <source>高拍仪画面（点按还原）</source>
        <translation>高拍儀畫面（點按還原）</translation>
    </message>
    <message>
        <source>取消静音</source>
        <translation>取消靜音</translation>
    </message>
    <message>
        <source>静音</source>
        <translation>靜音</translation>
    </message>
    <message>
        <source>还原高拍仪画面</source>
        <translation>還原高拍儀畫面</translation>
    </message>
    <message>
        <source>放大高拍仪画面</source>
        <translation>放大高拍儀畫面</translation>
    </message>
    <message>
        <source>工作人员</source>
        <translation>職員</translation>
    </message>
    <message>
        <source>{n}号座席</source>
        <translation>{n}號座席</translation>
    </message>
</context>
<context>
    <name>CaptureScreen</name>
    <message>
        <location filename="../kiosk/ui/screens/capture.py" line="1" />
        <source>没带这份材料</source>
        <translation>沒帶這份材料</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/capture.py" line="90" />
        <source>材料</source>
        <translation>材料</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/capture.py" line="91" />
        <source>拍摄材料：{m}</source>
        <translation>拍攝材料：{m}</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/capture.py" line="93" />
        <source>请将材料正面朝上，平放在台面的拍摄区内。</source>
        <translation>請將材料正面向上，平放在枱面的拍攝區內。</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/capture.py" line="94" />
        <source>请保持材料不动，正在对焦…</source>
        <translation>請保持材料不動，正在對焦…</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/capture.py" line="95" />
        <source>正在识别材料内容，请稍候…</source>
        <translation>正在識別材料內容，請稍候…</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/capture.py" line="96" />
        <source>已拍好。如有下一页，请翻页后继续拍摄。</source>
        <translation>已拍好。如有下一頁，請翻頁後繼續拍攝。</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/capture.py" line="100" />
        <source>高拍仪画面</source>
        <translation>高拍儀畫面</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/capture.py" line="102" />
        <source>已拍摄 {n} 页</source>
        <translation>已拍攝 {n} 頁</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/capture.py" line="103" />
        <source>拍摄</source>
        <translation>拍攝</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/capture.py" line="103" />
        <source>拍摄下一页</source>
        <translation>拍攝下一頁</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/capture.py" line="104" />
        <source>拍好了，下一步</source>
        <translation>拍好了，下一步</translation>
    </message>
</context>
<context>
    <name>ConfirmScreen</name>
    <message>
        <location filename="../kiosk/ui/screens/confirm.py" line="55" />
        <source>请核对：{t}</source>
        <translation>請核對：{t}</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/confirm.py" line="55" />
        <source>请核对信息</source>
        <translation>請核對資料</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/confirm.py" line="57" />
        <source>以下内容由系统识别或工作人员填写，请逐项核对。</source>
        <translation>以下內容由系統識別或職員填寫，請逐項核對。</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/confirm.py" line="58" />
        <source>有误，找人工修改</source>
        <translation>有誤，找職員修改</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/confirm.py" line="59" />
        <source>确认无误，提交</source>
        <translation>確認無誤，提交</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/confirm.py" line="63" />
        <source>暂无需要核对的内容。</source>
        <translation>暫無需要核對的內容。</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/confirm.py" line="72" />
        <source>（未填写）</source>
        <translation>（未填寫）</translation>
    </message>
</context>
<context>
    <name>DoneScreen</name>
    <message>
        <location filename="../kiosk/ui/screens/done.py" line="51" />
        <source>办理完成</source>
        <translation>辦理完成</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/done.py" line="55" />
        <source>{c} 已发送至您的手机，请注意查收。</source>
        <translation>{c} 已發送至您的手機，請留意查收。</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/done.py" line="57" />
        <source>{c} 办结后将发送至您的手机。</source>
        <translation>{c} 辦結後將發送至您的手機。</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/done.py" line="59" />
        <source>办理进度和结果将通过短信通知您。</source>
        <translation>辦理進度和結果將以短訊通知您。</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/done.py" line="61" />
        <source>点击“结束办理”后，您在本机留下的照片和资料将被彻底清除。</source>
        <translation>按「結束辦理」後，您在本機留下的相片和資料將被徹底清除。</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/done.py" line="62" />
        <source>结束办理</source>
        <translation>結束辦理</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/done.py" line="80" />
        <source>正在审核</source>
        <translation>正在審核</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/done.py" line="81" />
        <source>正在核对您提交的申请，请稍候，不要离开。</source>
        <translation>正在核對您提交的申請，請稍候，不要離開。</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/done.py" line="83" />
        <source>已提交，转人工审核</source>
        <translation>已提交，轉人工審核</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/done.py" line="84" />
        <source>您的申请需要工作人员审核。审核结果将发送到您的手机，您无需在此等候。</source>
        <translation>您的申請需要工作人員審核。審核結果將發送到您的手機，您無需在此等候。</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/done.py" line="86" />
        <source>已保存，将自动提交</source>
        <translation>已保存，將自動提交</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/done.py" line="88" />
        <source>网络暂时中断，您的申请已保存在本机，网络恢复后将自动提交。审核结果将发送到您的手机。</source>
        <translation>網絡暫時中斷，您的申請已保存在本機，網絡恢復後將自動提交。審核結果將發送到您的手機。</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/done.py" line="92" />
        <source>未能办理</source>
        <translation>未能辦理</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/done.py" line="93" />
        <source>您的申请未通过审核，原因将发送到您的手机。如有疑问请联系人工服务。</source>
        <translation>您的申請未通過審核，原因將發送到您的手機。如有疑問請聯絡人工服務。</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/done.py" line="109" />
        <source>{c}编号：{n}</source>
        <translation>{c}編號：{n}</translation>
    </message>
</context>
<context>
    <name>ErrorScreen</name>
    <message>
        <location filename="../kiosk/ui/screens/error.py" line="50" />
        <source>返回首页</source>
        <translation>返回首頁</translation>
    </message>
</context>
<context>
    <name>Errors</name>
    <message>
        <location filename="../kiosk/ui/texts.py" line="18" />
        <source>系统出了点问题</source>
        <translation>系統出了點問題</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/texts.py" line="19" />
        <source>很抱歉，刚才的操作没有完成。您的资料没有丢失，请重试或联系人工服务。</source>
        <translation>很抱歉，剛才的操作未能完成。您的資料沒有遺失，請重試或聯絡人工服務。</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/texts.py" line="24" />
        <source>设备设置有误</source>
        <translation>設備設定有誤</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/texts.py" line="25" />
        <source>本机暂时无法办理业务，请联系工作人员。</source>
        <translation>本機暫時無法辦理業務，請聯絡職員。</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/texts.py" line="28" />
        <source>事项目录暂不可用</source>
        <translation>事項目錄暫不可用</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/texts.py" line="29" />
        <source>办事指南正在更新，请稍后再试或联系人工服务。</source>
        <translation>辦事指南正在更新，請稍後再試或聯絡人工服務。</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/texts.py" line="32" />
        <source>设备暂时故障</source>
        <translation>設備暫時故障</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/texts.py" line="33" />
        <source>有一台设备没有响应，请联系人工服务，工作人员会协助您。</source>
        <translation>有一部設備沒有回應，請聯絡人工服務，職員會協助您。</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/texts.py" line="38" />
        <source>设备没有响应</source>
        <translation>設備沒有回應</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/texts.py" line="39" />
        <source>设备响应超时，请稍后重试或联系人工服务。</source>
        <translation>設備回應逾時，請稍後重試或聯絡人工服務。</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/texts.py" line="42" />
        <source>设备通信异常</source>
        <translation>設備通訊異常</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/texts.py" line="43" />
        <source>设备返回了无法识别的数据，请联系人工服务。</source>
        <translation>設備傳回了無法識別的數據，請聯絡人工服務。</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/texts.py" line="46" />
        <source>网络暂时中断</source>
        <translation>網絡暫時中斷</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/texts.py" line="47" />
        <source>已保存您的办理内容，网络恢复后将自动提交。</source>
        <translation>已儲存您的辦理內容，網絡恢復後將自動提交。</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/texts.py" line="50" />
        <source>申请未被受理</source>
        <translation>申請未被受理</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/texts.py" line="51" />
        <source>服务中心未能受理这次申请，请联系人工服务了解原因。</source>
        <translation>服務中心未能受理這次申請，請聯絡人工服務了解原因。</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/texts.py" line="56" />
        <source>照片不够清晰</source>
        <translation>相片不夠清晰</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/texts.py" line="57" />
        <source>请将材料平放在拍摄区内，避免反光，保持不动后重新拍摄。</source>
        <translation>請將材料平放在拍攝區內，避免反光，保持不動後重新拍攝。</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/texts.py" line="62" />
        <source>本机存储异常</source>
        <translation>本機儲存異常</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/texts.py" line="63" />
        <source>本机暂时无法保存办理内容，请联系人工服务，工作人员会协助您。</source>
        <translation>本機暫時無法儲存辦理內容，請聯絡人工服務，職員會協助您。</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/texts.py" line="68" />
        <location filename="../kiosk/ui/texts.py" line="72" />
        <source>办理已结束</source>
        <translation>辦理已結束</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/texts.py" line="69" />
        <source>本次办理已经结束，请从首页重新开始。</source>
        <translation>本次辦理已經結束，請從首頁重新開始。</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/texts.py" line="73" />
        <source>为保护您的隐私，本次办理的资料已清除，请重新开始。</source>
        <translation>為保障您的私隱，本次辦理的資料已清除，請重新開始。</translation>
    </message>
</context>
<context>
    <name>Footer</name>
    <message>
        <location filename="../kiosk/ui/widgets/footer.py" line="52" />
        <source>返回首页</source>
        <translation>返回首頁</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/widgets/footer.py" line="53" />
        <source>结束办理</source>
        <translation>結束辦理</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/widgets/footer.py" line="54" />
        <source>人工服务</source>
        <translation>人工服務</translation>
    </message>
</context>
<context>
    <name>Header</name>
    <message>
        <location filename="../kiosk/ui/widgets/header.py" line="63" />
        <source>已用时 {t}</source>
        <translation>已用時 {t}</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/widgets/header.py" line="73" />
        <source>政务晓屋</source>
        <translation>政務曉屋</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/widgets/header.py" line="74" />
        <source>24小时政务自助服务</source>
        <translation>24小時政務自助服務</translation>
    </message>
</context>
<context>
    <name>HomeScreen</name>
    <message>
        <location filename="../kiosk/ui/screens/home.py" line="255" />
        <source>没有找到“{q}”相关事项。可以试试拼音首字母，或点击下方“人工服务”。</source>
        <translation>找不到「{q}」相關事項。可以試試拼音首字母，或按下方「人工服務」。</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/home.py" line="260" />
        <source>找到 {n} 个与“{q}”相关的事项</source>
        <translation>找到 {n} 項與「{q}」相關的事項</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/home.py" line="262" />
        <source>共 {n} 个事项，轻触查看办事指南</source>
        <translation>共 {n} 項事項，輕觸查看辦事指南</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/home.py" line="271" />
        <source>您要办理什么事？</source>
        <translation>您要辦理甚麼事？</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/home.py" line="272" />
        <source>搜索事项：汉字、拼音或首字母，如 gjj</source>
        <translation>搜尋事項：漢字、拼音或首字母，如 gjj</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/home.py" line="273" />
        <source>拼音键盘</source>
        <translation>拼音鍵盤</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/home.py" line="279" />
        <source>全部事项</source>
        <translation>全部事項</translation>
    </message>
</context>
<context>
    <name>IdleOverlay</name>
    <message>
        <location filename="../kiosk/ui/widgets/idle_overlay.py" line="68" />
        <source>您还在等候工作人员吗？</source>
        <translation>您還在等候工作人員嗎？</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/widgets/idle_overlay.py" line="68" />
        <source>{n} 秒后将取消排队并结束本次办理，清除您留下的全部资料。</source>
        <translation>{n} 秒後將取消排隊並結束本次辦理，清除您留下的全部資料。</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/widgets/idle_overlay.py" line="68" />
        <source>继续等候</source>
        <translation>繼續等候</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/widgets/idle_overlay.py" line="68" />
        <source>不等了</source>
        <translation>不等了</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/widgets/idle_overlay.py" line="67" />
        <source>您还在吗？</source>
        <translation>您還在嗎？</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/widgets/idle_overlay.py" line="69" />
        <source>{n} 秒后将结束本次办理，并清除您留下的全部资料。</source>
        <translation>{n} 秒後將結束本次辦理，並清除您留下的全部資料。</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/widgets/idle_overlay.py" line="71" />
        <source>我需要更多时间</source>
        <translation>我需要更多時間</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/widgets/idle_overlay.py" line="72" />
        <source>结束办理</source>
        <translation>結束辦理</translation>
    </message>
</context>
<context>
    <name>LanguageBar</name>
    <message>
        <location filename="../kiosk/ui/widgets/language_bar.py" line="40" />
        <source>长辈模式</source>
        <translation>長者模式</translation>
    </message>
</context>
<context>
    <name>LockerScreen</name>
    <message>
        <location filename="../kiosk/ui/screens/locker.py" line="47" />
        <source>请投递材料原件</source>
        <translation>請投遞材料正本</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/locker.py" line="48" />
        <source>{n} 号柜门</source>
        <translation>{n} 號櫃門</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/locker.py" line="48" />
        <source>柜门</source>
        <translation>櫃門</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/locker.py" line="50" />
        <source>柜门正在打开，请稍候…</source>
        <translation>櫃門正在打開，請稍候…</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/locker.py" line="51" />
        <source>柜门已打开。请将装有材料的信封放入柜内，然后关好柜门。</source>
        <translation>櫃門已打開。請將裝有材料的信封放入櫃內，然後關好櫃門。</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/locker.py" line="52" />
        <source>已收到您的材料，柜门已关闭。谢谢！</source>
        <translation>已收到您的材料，櫃門已關閉。謝謝！</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/locker.py" line="53" />
        <source>柜门已关闭，但没有检测到物品。如需重新投递，请联系人工服务。</source>
        <translation>櫃門已關閉，但沒有偵測到物品。如需重新投遞，請聯絡人工服務。</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/locker.py" line="54" />
        <source>柜门未能打开，工作人员将协助您处理。</source>
        <translation>櫃門未能打開，職員將協助您處理。</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/locker.py" line="57" />
        <source>完成，下一步</source>
        <translation>完成，下一步</translation>
    </message>
</context>
<context>
    <name>Modes</name>
    <message>
        <location filename="../kiosk/ui/texts.py" line="114" />
        <source>自助办理</source>
        <translation>自助辦理</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/texts.py" line="115" />
        <source>视频连线人工办理</source>
        <translation>視像連線人工辦理</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/texts.py" line="116" />
        <source>自助 + 人工协助</source>
        <translation>自助 + 人工協助</translation>
    </message>
</context>
<context>
    <name>PinyinKeypad</name>
    <message>
        <location filename="../kiosk/ui/widgets/keypad.py" line="49" />
        <source>删除</source>
        <translation>刪除</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/widgets/keypad.py" line="50" />
        <source>清空</source>
        <translation>清除</translation>
    </message>
</context>
<context>
    <name>Problems</name>
    <message>
        <location filename="../kiosk/ui/texts.py" line="99" />
        <source>身份证号码校验位不符，请核对</source>
        <translation>身份證號碼校驗位不符，請核對</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/texts.py" line="100" />
        <source>身份证号码中的出生日期无效</source>
        <translation>身份證號碼中的出生日期無效</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/texts.py" line="101" />
        <source>统一社会信用代码校验不符，工作人员将核对</source>
        <translation>統一社會信用代碼校驗不符，職員將核對</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/texts.py" line="104" />
        <source>金额格式不正确</source>
        <translation>金額格式不正確</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/texts.py" line="105" />
        <source>此项必须填写</source>
        <translation>此項必須填寫</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/texts.py" line="106" />
        <source>未能识别，请核对或手动修改</source>
        <translation>未能識別，請核對或手動修改</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/texts.py" line="108" />
        <source>请核对此项</source>
        <translation>請核對此項</translation>
    </message>
</context>
<context>
    <name>Rating</name>
    <message>
        <location filename="../kiosk/ui/texts.py" line="140" />
        <source>非常满意</source>
        <translation>非常滿意</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/texts.py" line="141" />
        <source>满意</source>
        <translation>滿意</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/texts.py" line="142" />
        <source>基本满意</source>
        <translation>基本滿意</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/texts.py" line="143" />
        <source>不满意</source>
        <translation>不滿意</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/texts.py" line="144" />
        <source>非常不满意</source>
        <translation>非常不滿意</translation>
    </message>
</context>
<context>
    <name>RatingScreen</name>
    <message>
        <location filename="../kiosk/ui/screens/rating.py" line="56" />
        <source>请为本次服务评价</source>
        <translation>請為本次服務評價</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/rating.py" line="58" />
        <source>评价对象：{s}</source>
        <translation>評價對象：{s}</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/rating.py" line="66" />
        <source>您的评价将直接提交至政务服务“好差评”系统，匿名处理。</source>
        <translation>您的評價將直接提交至政務服務「好差評」系統，以匿名處理。</translation>
    </message>
</context>
<context>
    <name>ServiceScreen</name>
    <message>
        <location filename="../kiosk/ui/screens/service.py" line="76" />
        <source>返回</source>
        <translation>返回</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/service.py" line="77" />
        <source>咨询人工</source>
        <translation>諮詢人工</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/service.py" line="78" />
        <source>开始办理</source>
        <translation>開始辦理</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/service.py" line="82" />
        <source>办事指南</source>
        <translation>辦事指南</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/service.py" line="83" />
        <source>请先在首页选择要办理的事项。</source>
        <translation>請先在首頁選擇要辦理的事項。</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/service.py" line="101" />
        <source>原件</source>
        <translation>正本</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/service.py" line="103" />
        <source>复印件 {n} 份</source>
        <translation>副本 {n} 份</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/service.py" line="106" />
        <source>无需携带材料</source>
        <translation>無需攜帶材料</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/service.py" line="107" />
        <source>需要准备的材料</source>
        <translation>需要準備的材料</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/service.py" line="111" />
        <source>办理流程</source>
        <translation>辦理流程</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/service.py" line="114" />
        <source>需要与工作人员视频连线，工作人员会全程协助。</source>
        <translation>需要與職員視像連線，職員會全程協助。</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/service.py" line="116" />
        <source>可全程自助办理，如有疑问随时点击“人工服务”。</source>
        <translation>可全程自助辦理，如有疑問隨時按「人工服務」。</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/service.py" line="118" />
        <source>需将原件投递至本机智能柜，工作人员核验后退还或存档。</source>
        <translation>需將正本投遞至本機智能櫃，職員核驗後退還或存檔。</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/service.py" line="121" />
        <source>办结后获得：{c}，将发送至您的手机。</source>
        <translation>辦結後獲得：{c}，將發送至您的手機。</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/service.py" line="124" />
        <source>承诺办结时限：{n} 个工作日</source>
        <translation>承諾辦結時限：{n} 個工作天</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/service.py" line="125" />
        <source>办理方式</source>
        <translation>辦理方式</translation>
    </message>
</context>
<context>
    <name>Steps</name>
    <message>
        <location filename="../kiosk/ui/texts.py" line="124" />
        <source>身份核验</source>
        <translation>身份核驗</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/texts.py" line="125" />
        <source>回答几个问题</source>
        <translation>回答幾個問題</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/texts.py" line="126" />
        <source>高拍仪拍摄材料</source>
        <translation>高拍儀拍攝材料</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/texts.py" line="127" />
        <source>填写申请表</source>
        <translation>填寫申請表</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/texts.py" line="128" />
        <source>工作人员审核</source>
        <translation>職員審核</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/texts.py" line="129" />
        <source>原件投递至智能柜</source>
        <translation>正本投遞至智能櫃</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/texts.py" line="130" />
        <source>证照发送至手机</source>
        <translation>證照發送至手機</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/texts.py" line="131" />
        <source>评价服务</source>
        <translation>評價服務</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/texts.py" line="132" />
        <source>咨询工作人员</source>
        <translation>諮詢職員</translation>
    </message>
</context>
<context>
    <name>AssistantScreen</name>
    <message>
        <location filename="../kiosk/ui/screens/assistant.py" line="1" />
        <source>数字业务员</source>
        <translation>數碼業務員</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/assistant.py" line="1" />
        <source>请直接说出或输入您的回答，也可以随时提问。</source>
        <translation>請直接說出或輸入您的回答，也可以隨時提問。</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/assistant.py" line="1" />
        <source>在此输入…</source>
        <translation>在此輸入…</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/assistant.py" line="1" />
        <source>发送</source>
        <translation>發送</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/assistant.py" line="1" />
        <source>点击说话</source>
        <translation>點擊說話</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/assistant.py" line="1" />
        <source>按住说话</source>
        <translation>按住說話</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/assistant.py" line="1" />
        <source>正在听，请直接说</source>
        <translation>正在聽，請直接說</translation>
    </message>
    <message>
        <location filename="../kiosk/ui/screens/assistant.py" line="1" />
        <source>正在听…</source>
        <translation>正在聽…</translation>
    </message>
</context>
<context>
    <name>Recovery</name>
    <message>
        <location filename="../kiosk/ui/texts.py" line="16" />
        <source>我们回来了，从您刚才办理的地方继续。</source>
        <translation>我們回來了，從您剛才辦理的地方繼續。</translation>
    </message>
</context>
</TS>
